package dev.factum.projections;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.InvalidArgumentException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs a {@link ProjectionQuery} over a projection's documents: filter, sort, then skip and limit.
 *
 * <p>What must stay true: the order is total (ties broken by projection id), so paging with skip
 * over an unchanged projection returns every document once. Values of indexed fields sort numbers
 * before strings before anything else, missing last. Bounds: the documents are read whole (the
 * store records of the projection's namespace), so a query costs time linear in the projection's
 * size; meant for up to about 100,000 documents per projection.
 */
final class DocumentQuery {
  private static final Set<String> BUILT_IN =
      Set.of("projectionId", "reference", "createdAt", "updatedAt");

  private DocumentQuery() {}

  static ProjectionPage run(
      List<ProjectionDocument> documents, ProjectionQuery query, List<String> indexedFields) {
    if (query.skip() < 0 || query.limit() < 1 || query.limit() > ProjectionQuery.MAX_LIMIT) {
      throw new InvalidArgumentException(
          "skip is at least 0 and limit 1 to " + ProjectionQuery.MAX_LIMIT);
    }
    Comparator<ProjectionDocument> order = order(query.sort(), indexedFields);
    if (query.search() != null && indexedFields.isEmpty()) {
      throw new InvalidArgumentException("search needs the definition's indexedFields");
    }
    List<Selector> indexed = new ArrayList<>();
    for (String field : indexedFields) {
      indexed.add(Selector.parse("$.projection." + field, "indexed field"));
    }
    Set<String> ids = new HashSet<>(query.ids());
    List<ProjectionDocument> matching = new ArrayList<>();
    for (ProjectionDocument document : documents) {
      if ((ids.isEmpty() || ids.contains(document.id()))
          && (query.reference() == null || query.reference().equals(document.reference()))
          && (query.from() == null || compareRef(document.reference(), query.from()) >= 0)
          && (query.to() == null || compareRef(document.reference(), query.to()) <= 0)
          && (query.search() == null || found(document, indexed, query.search()))) {
        matching.add(document);
      }
    }
    matching.sort(order);
    int from = Math.min(query.skip(), matching.size());
    int to = (int) Math.min((long) from + query.limit(), matching.size());
    return new ProjectionPage(matching.subList(from, to), to < matching.size(), matching.size());
  }

  /** A missing reference is outside every range. */
  private static int compareRef(String reference, String bound) {
    if (reference == null) {
      return Integer.MIN_VALUE;
    }
    try {
      return new BigDecimal(reference).compareTo(new BigDecimal(bound));
    } catch (NumberFormatException notNumbers) {
      return Integer.signum(reference.compareTo(bound));
    }
  }

  private static boolean found(ProjectionDocument document, List<Selector> indexed, String text) {
    String needle = text.toLowerCase(Locale.ROOT);
    for (Selector selector : indexed) {
      JsonNode value = selector.read(document.data());
      if (value != null
          && value.isValueNode()
          && value.asText().toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
    }
    return false;
  }

  static Comparator<ProjectionDocument> order(String sort, List<String> indexedFields) {
    Comparator<ProjectionDocument> byId = Comparator.comparing(ProjectionDocument::id);
    if (sort == null || sort.isBlank()) {
      return byId;
    }
    Comparator<ProjectionDocument> order = null;
    for (String part : sort.split(",", -1)) {
      String key = part.trim();
      boolean descending = key.startsWith("-");
      if (key.startsWith("-") || key.startsWith("+")) {
        key = key.substring(1);
      }
      Comparator<ProjectionDocument> one = key(key, indexedFields);
      if (descending) {
        one = one.reversed();
      }
      order = order == null ? one : order.thenComparing(one);
    }
    return order.thenComparing(byId);
  }

  private static Comparator<ProjectionDocument> key(String key, List<String> indexedFields) {
    return switch (key) {
      case "projectionId" -> Comparator.comparing(ProjectionDocument::id);
      case "reference" ->
          Comparator.comparing(
              ProjectionDocument::reference, Comparator.nullsLast(Comparator.naturalOrder()));
      case "createdAt" -> Comparator.comparingLong(ProjectionDocument::createdAt);
      case "updatedAt" -> Comparator.comparingLong(ProjectionDocument::updatedAt);
      default -> {
        if (!indexedFields.contains(key)) {
          throw new InvalidArgumentException(
              "sort key '" + key + "' is none of " + BUILT_IN + " nor an indexed field");
        }
        Selector selector = Selector.parse("$.projection." + key, "sort");
        yield (a, b) -> compareValues(selector.read(a.data()), selector.read(b.data()));
      }
    };
  }

  private static int rank(JsonNode value) {
    if (value == null || value.isNull()) {
      return 3;
    }
    return value.isNumber() ? 0 : value.isTextual() ? 1 : 2;
  }

  private static int compareValues(JsonNode a, JsonNode b) {
    int ranks = Integer.compare(rank(a), rank(b));
    if (ranks != 0) {
      return ranks;
    }
    return switch (rank(a)) {
      case 0 -> a.decimalValue().compareTo(b.decimalValue());
      case 1 -> a.textValue().compareTo(b.textValue());
      case 2 -> a.toString().compareTo(b.toString());
      default -> 0;
    };
  }
}
