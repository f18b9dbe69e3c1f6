package dev.factum.projections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The interpreter of Serialized's functions over one projection's JSON state.
 *
 * <p>What must stay true: applying is a pure function of (state, event): no clock, no randomness,
 * so a rebuild from the log reaches the same state. It never throws for event content: a selected
 * value that is missing or of the wrong kind (a number for {@code inc}, an object for {@code
 * merge}, an array target) leaves the state unchanged. Every value written is a copy, so no two
 * places of a state share a node.
 */
final class Functions {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Functions() {}

  /** The mutable state a handler's functions act on. */
  static final class State {
    ObjectNode data;
    String reference;
    boolean deleted;

    State(ObjectNode data, String reference) {
      this.data = data;
      this.reference = reference;
    }
  }

  static void apply(
      ProjectionFunction.Compiled f, State state, JsonNode event, ObjectNode metadata) {
    Context context = new Context(event, metadata, state.data);
    if (f.eventFilter() != null && !f.eventFilter().test(event, context)) {
      return;
    }
    JsonNode value =
        f.source() != null ? context.select(f.source()) : f.rawData() == null ? null : f.rawData();
    Selector target = f.target();
    switch (f.kind()) {
      case SET -> {
        if (value == null) {
          return;
        }
        if (target.filtered()) {
          forMatching(
              target,
              f.targetFilter(),
              state,
              context,
              (array, i) -> array.set(i, value.deepCopy()));
        } else {
          ObjectNode parent = target.parentIn(state.data);
          if (parent != null) {
            parent.set(target.last(), value.deepCopy());
          }
        }
      }
      case UNSET -> {
        ObjectNode parent = target.parentIn(state.data);
        if (parent != null) {
          parent.remove(target.last());
        }
      }
      case INC -> addTo(target, state, BigDecimal.ONE);
      case DEC -> addTo(target, state, BigDecimal.ONE.negate());
      case ADD -> {
        if (value != null && value.isNumber()) {
          addTo(target, state, value.decimalValue());
        }
      }
      case SUBTRACT -> {
        if (value != null && value.isNumber()) {
          addTo(target, state, value.decimalValue().negate());
        }
      }
      case PUSH -> {
        ArrayNode array = value == null ? null : target.arrayIn(state.data);
        if (array != null) {
          array.add(value.deepCopy());
        }
      }
      case APPEND, PREPEND ->
          concat(f.kind() == ProjectionFunction.Kind.APPEND, target, state, value);
      case ADDTOSET -> {
        ArrayNode array = value == null ? null : target.arrayIn(state.data);
        if (array != null && !contains(array, value)) {
          array.add(value.deepCopy());
        }
      }
      case REMOVE -> {
        if (target.filtered()) {
          ArrayNode array = existingArray(target, state.data);
          if (array != null) {
            for (int i = array.size() - 1; i >= 0; i--) {
              if (f.targetFilter().test(array.get(i), context)) {
                array.remove(i);
              }
            }
          }
        } else if (value != null) {
          ArrayNode array = existingArray(target, state.data);
          if (array != null) {
            for (int i = array.size() - 1; i >= 0; i--) {
              if (array.get(i).equals(value)) {
                array.remove(i);
              }
            }
          }
        }
      }
      case CLEAR -> {
        if (target == null || target.fields().isEmpty()) {
          state.data = NODES.objectNode();
          return;
        }
        ObjectNode parent = target.parentIn(state.data);
        if (parent == null) {
          return;
        }
        JsonNode existing = parent.get(target.last());
        if (existing != null && existing.isArray()) {
          parent.putArray(target.last());
        } else if (existing != null && existing.isObject()) {
          parent.putObject(target.last());
        } else {
          parent.remove(target.last());
        }
      }
      case MERGE -> {
        JsonNode source = f.source() == null && f.rawData() == null ? event : value;
        if (source == null || !source.isObject()) {
          return;
        }
        if (target == null || target.fields().isEmpty()) {
          merge(state.data, (ObjectNode) source);
        } else if (target.filtered()) {
          forMatching(
              target,
              f.targetFilter(),
              state,
              context,
              (array, i) -> {
                if (array.get(i).isObject()) {
                  merge((ObjectNode) array.get(i), (ObjectNode) source);
                }
              });
        } else {
          ObjectNode parent = target.parentIn(state.data);
          if (parent == null) {
            return;
          }
          JsonNode existing = parent.get(target.last());
          if (existing == null || existing.isNull()) {
            existing = parent.putObject(target.last());
          }
          if (existing.isObject()) {
            merge((ObjectNode) existing, (ObjectNode) source);
          }
        }
      }
      case SETREF -> {
        if (value != null && (value.isTextual() || value.isNumber() || value.isBoolean())) {
          state.reference = value.asText();
        }
      }
      case CLEARREF -> state.reference = null;
      case DELETE -> state.deleted = true;
      default -> throw new IllegalStateException(f.kind().name());
    }
  }

  private interface ElementAction {
    void apply(ArrayNode array, int index);
  }

  private static void forMatching(
      Selector target, Filter filter, State state, Context context, ElementAction action) {
    ArrayNode array = existingArray(target, state.data);
    if (array == null) {
      return;
    }
    for (int i = 0; i < array.size(); i++) {
      if (filter.test(array.get(i), context)) {
        action.apply(array, i);
      }
    }
  }

  private static ArrayNode existingArray(Selector target, ObjectNode data) {
    JsonNode node = target.read(data);
    return node != null && node.isArray() ? (ArrayNode) node : null;
  }

  private static void addTo(Selector target, State state, BigDecimal delta) {
    ObjectNode parent = target.parentIn(state.data);
    if (parent == null) {
      return;
    }
    JsonNode existing = parent.get(target.last());
    if (existing != null && !existing.isNull() && !existing.isNumber()) {
      return;
    }
    BigDecimal base =
        existing == null || existing.isNull() ? BigDecimal.ZERO : existing.decimalValue();
    BigDecimal sum = base.add(delta);
    parent.set(target.last(), number(sum));
  }

  /** An integral result as a long when it fits, else a decimal (so 1 + 1 is 2, not 2.0). */
  static JsonNode number(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() <= 0) {
      try {
        return NODES.numberNode(stripped.longValueExact());
      } catch (ArithmeticException tooLarge) {
        return NODES.numberNode(stripped.toBigInteger());
      }
    }
    return NODES.numberNode(value.doubleValue());
  }

  /** append/prepend: to a string target, string concatenation; to an array, add at an end. */
  private static void concat(boolean atEnd, Selector target, State state, JsonNode value) {
    if (value == null) {
      return;
    }
    ObjectNode parent = target.parentIn(state.data);
    if (parent == null) {
      return;
    }
    JsonNode existing = parent.get(target.last());
    if (existing == null || existing.isNull()) {
      if (value.isTextual()) {
        parent.put(target.last(), value.textValue());
      } else {
        parent.putArray(target.last()).add(value.deepCopy());
      }
    } else if (existing.isTextual() && value.isValueNode() && !value.isNull()) {
      parent.put(
          target.last(),
          atEnd ? existing.textValue() + value.asText() : value.asText() + existing.textValue());
    } else if (existing.isArray()) {
      if (atEnd) {
        ((ArrayNode) existing).add(value.deepCopy());
      } else {
        ((ArrayNode) existing).insert(0, value.deepCopy());
      }
    }
  }

  private static boolean contains(ArrayNode array, JsonNode value) {
    for (JsonNode element : array) {
      if (element.equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** Deep merge: objects merge field by field, anything else replaces. */
  private static void merge(ObjectNode into, ObjectNode from) {
    for (Map.Entry<String, JsonNode> field : from.properties()) {
      JsonNode existing = into.get(field.getKey());
      if (existing != null && existing.isObject() && field.getValue().isObject()) {
        merge((ObjectNode) existing, (ObjectNode) field.getValue());
      } else {
        into.set(field.getKey(), field.getValue().deepCopy());
      }
    }
  }
}
