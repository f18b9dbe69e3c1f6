package dev.factum.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Selects events of the global log by type and tags, as Dynamic Consistency Boundaries (dcb.events)
 * define it: a query is a list of {@link Item items} OR-ed together; an item matches an event whose
 * type is one of the item's types (any type when it names none) and which carries every one of the
 * item's tags (AND; no tag required when it names none). A query with no items, or with an item
 * that names neither types nor tags, matches every event.
 *
 * <p>A query is served from the type and tag indexes: its cost follows the events it matches (and
 * the index entries of its terms), never the size of the log.
 *
 * @param items the alternatives; empty for "every event"
 */
public record Query(List<Item> items) {

  private static final Query ALL = new Query(List.of());

  public Query {
    if (items == null || items.stream().anyMatch(Objects::isNull)) {
      throw new InvalidArgumentException("a query item is missing");
    }
    items = List.copyOf(items);
  }

  /** The query that matches every event. */
  public static Query all() {
    return ALL;
  }

  public static Query of(Item... items) {
    if (items == null) {
      throw new InvalidArgumentException("a query item is missing");
    }
    return new Query(Arrays.asList(items));
  }

  /** One item: events of any of {@code types}. */
  public static Query types(String... types) {
    return of(Item.types(types));
  }

  /** One item: events carrying all of {@code tags}. */
  public static Query tags(String... tags) {
    return of(Item.tags(tags));
  }

  /** This query with one more item (OR). */
  public Query or(Item item) {
    List<Item> more = new ArrayList<>(items);
    more.add(item);
    return new Query(more);
  }

  /** Whether this query matches every event (no items, or an item with no terms). */
  public boolean matchesAll() {
    return items.isEmpty() || items.stream().anyMatch(Item::matchesAll);
  }

  /** Whether {@code event} matches one of the items. */
  public boolean matches(RecordedEvent event) {
    return matches(event.type(), event.tags());
  }

  /** Whether an event of {@code type} carrying {@code tags} matches one of the items. */
  public boolean matches(String type, Set<String> tags) {
    if (items.isEmpty()) {
      return true;
    }
    for (Item item : items) {
      if (item.matches(type, tags)) {
        return true;
      }
    }
    return false;
  }

  /**
   * One alternative of a query.
   *
   * @param types the event types it accepts (OR); empty for any type
   * @param tags the tags an event must all carry (AND); empty for none required
   */
  public record Item(Set<String> types, Set<String> tags) {
    public Item {
      types = copy("type", types);
      tags = copy("tag", tags);
    }

    public static Item types(String... types) {
      return new Item(asSet("type", types), Set.of());
    }

    public static Item tags(String... tags) {
      return new Item(Set.of(), asSet("tag", tags));
    }

    /** An item of these types that carry all of {@code tags}. */
    public static Item of(Collection<String> types, Collection<String> tags) {
      return new Item(
          types == null ? null : new LinkedHashSet<>(types),
          tags == null ? null : new LinkedHashSet<>(tags));
    }

    /** The same item, also requiring {@code moreTags}. */
    public Item withTags(String... moreTags) {
      Set<String> all = new LinkedHashSet<>(tags);
      all.addAll(asSet("tag", moreTags));
      return new Item(types, all);
    }

    public boolean matchesAll() {
      return types.isEmpty() && tags.isEmpty();
    }

    public boolean matches(RecordedEvent event) {
      return matches(event.type(), event.tags());
    }

    /** Whether an event of {@code type} carrying {@code eventTags} matches this item. */
    public boolean matches(String type, Set<String> eventTags) {
      return (types.isEmpty() || types.contains(type)) && eventTags.containsAll(tags);
    }

    private static Set<String> copy(String what, Set<String> values) {
      if (values == null) {
        return Set.of();
      }
      if (values.stream().anyMatch(Objects::isNull)) {
        throw new InvalidArgumentException("a query " + what + " is null");
      }
      return Set.copyOf(values);
    }

    private static Set<String> asSet(String what, String... values) {
      if (values == null) {
        throw new InvalidArgumentException("query " + what + "s are missing");
      }
      Set<String> set = new LinkedHashSet<>();
      for (String value : values) {
        if (value == null) {
          throw new InvalidArgumentException("a query " + what + " is null");
        }
        set.add(value);
      }
      return set;
    }
  }
}
