package dev.factum.wire;

import static dev.factum.wire.ResultCodecsTest.names;
import static dev.factum.wire.ResultCodecsTest.properties;
import static dev.factum.wire.ResultCodecsTest.required;
import static dev.factum.wire.ResultCodecsTest.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.Query;
import dev.factum.api.RecordedEvent;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStart;
import dev.factum.api.groups.GroupStatus;
import dev.factum.api.groups.ParkedEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The consumer-group shapes: what the server writes the client reads back unchanged, what the
 * client sends the server's strict reader takes back unchanged, and the members are those the
 * OpenAPI document gives each shape.
 */
class GroupJsonTest {
  private static final GroupSettings SETTINGS =
      new GroupSettings(7, Duration.ofMillis(1500), 2, Duration.ofMillis(250));

  private static final List<GroupSource> SOURCES =
      List.of(
          GroupSource.all(),
          GroupSource.stream("order-1"),
          GroupSource.filtered(LogFilter.categories("order", "invoice")),
          GroupSource.filtered(LogFilter.types("Placed")),
          GroupSource.filtered(LogFilter.tags("eu", "vip")),
          GroupSource.filtered(
              LogFilter.query(
                  Query.of(Query.Item.types("Placed", "Paid"), Query.Item.tags("eu")))));

  private static final List<GroupStart> STARTS =
      List.of(GroupStart.beginning(), GroupStart.at(42), GroupStart.end());

  @Test
  void aStatusRoundTripsWithTheDocumentedMembersForEverySourceAndStart() throws Exception {
    for (GroupSource source : SOURCES) {
      for (GroupStart start : STARTS) {
        GroupStatus status =
            new GroupStatus(
                new GroupDefinition("billing", source, start, SETTINGS),
                10,
                8,
                3,
                1.5,
                2,
                1,
                4,
                11,
                5);
        JsonNode json = written(out -> GroupJson.writeStatus(out, status));
        assertThat(names(json))
            .isEqualTo(required("GroupStatus"))
            .isEqualTo(properties("GroupStatus"));
        assertThat(names(json.get("settings"))).isEqualTo(properties("GroupSettings"));
        assertThat(properties("GroupSource")).containsAll(names(json.get("source")));
        assertThat(json.get("source").size()).isLessThanOrEqualTo(1);
        if (start.position() == GroupStart.END) {
          assertThat(json.get("start").asText()).isEqualTo("end");
        } else {
          assertThat(json.get("start").asLong()).isEqualTo(start.position());
        }
        assertThat(GroupJson.readStatus(json)).isEqualTo(status);
      }
    }
  }

  @Test
  void filterValuesAreWrittenSortedSoEqualGroupsGiveEqualBytes() throws Exception {
    GroupDefinition definition =
        new GroupDefinition(
            "g", GroupSource.filtered(LogFilter.tags("z", "a", "m")), GroupStart.beginning(), null);
    JsonNode json = tree(definition);
    assertThat(json.at("/source/tag").toString()).isEqualTo("[\"a\",\"m\",\"z\"]");
  }

  @Test
  void aCreateBodyIsTakenBackUnchangedByTheServersStrictReader() throws Exception {
    for (GroupSource source : SOURCES) {
      for (GroupStart start : STARTS) {
        GroupDefinition definition = new GroupDefinition("billing", source, start, SETTINGS);
        ObjectNode json = tree(definition);
        assertThat(properties("CreateGroupRequest")).containsAll(names(json));
        assertThat(GroupJson.definition(json)).isEqualTo(definition);
      }
    }
    ObjectNode named = tree(new GroupDefinition("only-a-name", null, null, null));
    assertThat(names(named)).isEqualTo(required("CreateGroupRequest"));
    assertThat(GroupJson.definition(named))
        .isEqualTo(
            new GroupDefinition(
                "only-a-name", GroupSource.all(), GroupStart.beginning(), GroupSettings.DEFAULT));
  }

  @Test
  void anUpdateBodyRoundTripsAndALeftOutSettingKeepsItsValue() throws Exception {
    JsonNode json =
        ExactJson.read(
            WireJson.factory(), body(out -> GroupJson.writeSettings(out, SETTINGS)), true);
    assertThat(names(json)).isEqualTo(properties("GroupSettings"));
    assertThat(GroupJson.settings(json, GroupSettings.DEFAULT)).isEqualTo(SETTINGS);
    JsonNode partial = WireJson.mapper().readTree("{\"maxRetries\":9}");
    assertThat(GroupJson.settings(partial, SETTINGS))
        .isEqualTo(new GroupSettings(7, Duration.ofMillis(1500), 9, Duration.ofMillis(250)));
  }

  @Test
  void pollSettleLeaveAndPositionsBodiesAreTakenBackByTheServersReaders() throws Exception {
    ObjectNode poll = object(body(out -> GroupJson.writePoll(out, "c-1", 25, 10)));
    assertThat(names(poll)).isEqualTo(properties("PollRequest"));
    assertThat(GroupJson.consumer(poll)).isEqualTo("c-1");
    assertThat(GroupJson.optional(poll, "max", 100, 10_000)).isEqualTo(25);
    assertThat(GroupJson.optional(poll, "wait", 0, 60)).isEqualTo(10);

    ObjectNode nack =
        object(body(out -> GroupJson.writeSettle(out, "c-1", List.of(4L, 9L), "later")));
    assertThat(names(nack)).isEqualTo(properties("SettleRequest"));
    assertThat(GroupJson.consumer(nack)).isEqualTo("c-1");
    assertThat(GroupJson.positions(nack)).containsExactly(4L, 9L);
    assertThat(GroupJson.reason(nack)).isEqualTo("later");
    ObjectNode ack = object(body(out -> GroupJson.writeSettle(out, "c-1", List.of(4L), null)));
    assertThat(names(ack)).isEqualTo(required("SettleRequest"));
    assertThat(GroupJson.reason(ack)).isEmpty();

    ObjectNode leave = object(body(out -> GroupJson.writeLeave(out, "c-2")));
    assertThat(names(leave)).containsExactly("consumer");
    assertThat(GroupJson.consumer(leave)).isEqualTo("c-2");

    ObjectNode positions = object(body(out -> GroupJson.writePositions(out, List.of(3L))));
    assertThat(names(positions)).isEqualTo(properties("ParkedPositions"));
    assertThat(GroupJson.positions(positions)).containsExactly(3L);
  }

  @Test
  void theProcessedAnswerRoundTrips() throws Exception {
    for (boolean processed : List.of(true, false)) {
      JsonNode json = written(out -> GroupJson.writeProcessed(out, 12, processed));
      assertThat(names(json)).containsExactly("position", "processed");
      assertThat(json.get("position").asLong()).isEqualTo(12);
      assertThat(GroupJson.readProcessed(json)).isEqualTo(processed);
    }
    assertThatThrownBy(() -> GroupJson.readProcessed(object("{\"position\":12}")))
        .isInstanceOf(WireDecodingException.class);
  }

  @Test
  void parkedEventsRoundTripWithTheDocumentedMembers() throws Exception {
    List<ParkedEvent> parked =
        List.of(new ParkedEvent(41, "order-1", "bad data", 3), new ParkedEvent(57, "o-2", "", 1));
    JsonNode json = written(out -> GroupJson.writeParked(out, parked));
    for (JsonNode event : json.get("parked")) {
      assertThat(names(event))
          .isEqualTo(required("ParkedEvent"))
          .isEqualTo(properties("ParkedEvent"));
    }
    assertThat(GroupJson.readParked(json)).isEqualTo(parked);
  }

  @Test
  void deliveriesRoundTripWithTheDocumentedMembersAndTheEventsBytes() throws Exception {
    RecordedEvent event =
        RecordedEventJson.read(
            ExactJson.read(
                WireJson.factory(), ResultCodecsTest.EVENT.getBytes(StandardCharsets.UTF_8), true));
    List<Delivery> deliveries =
        List.of(new Delivery(event, 1, false), new Delivery(event, 3, true));
    JsonNode json = written(out -> GroupJson.writeDeliveries(out, deliveries));
    for (JsonNode delivery : json.get("deliveries")) {
      assertThat(names(delivery)).isEqualTo(required("Delivery")).isEqualTo(properties("Delivery"));
    }
    List<Delivery> read = GroupJson.readDeliveries(json);
    assertThat(read).isEqualTo(deliveries);
    assertThat(new String(read.getLast().event().data(), StandardCharsets.UTF_8))
        .isEqualTo("{\"amount\":19.90, \"x\":-0}");
  }

  @Test
  void badRequestBodiesAreInvalidArgumentsAndBadAnswersAreDecodingErrors() throws Exception {
    assertThatThrownBy(
            () ->
                GroupJson.definition(
                    object("{\"name\":\"g\",\"source\":{\"stream\":\"a\",\"tag\":[\"x\"]}}")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> GroupJson.definition(object("{\"name\":\"g\",\"colour\":1}")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("colour");
    assertThatThrownBy(
            () -> GroupJson.settings(object("{\"maxRetries\":-1}"), GroupSettings.DEFAULT))
        .isInstanceOf(InvalidArgumentException.class);

    GroupStatus status =
        new GroupStatus(GroupDefinition.of("g", GroupSource.all()), 0, 0, 0, 0.0, 0, 0, 0, 0, 0);
    ObjectNode json = (ObjectNode) written(out -> GroupJson.writeStatus(out, status));
    json.put("start", "sometime");
    assertThatThrownBy(() -> GroupJson.readStatus(json)).isInstanceOf(WireDecodingException.class);
    json.put("start", 0).remove("lag");
    assertThatThrownBy(() -> GroupJson.readStatus(json))
        .isInstanceOf(WireDecodingException.class)
        .hasMessageContaining("lag");
    assertThatThrownBy(() -> GroupJson.readParked(object("{\"parked\":[{\"position\":1}]}")))
        .isInstanceOf(WireDecodingException.class);
    assertThatThrownBy(
            () ->
                GroupJson.readDeliveries(
                    object("{\"deliveries\":[{\"attempt\":1,\"replay\":false}]}")))
        .isInstanceOf(WireDecodingException.class);
  }

  private static ObjectNode tree(GroupDefinition definition) throws Exception {
    return object(
        new String(
            body(out -> GroupJson.writeDefinition(out, definition)), StandardCharsets.UTF_8));
  }

  private static ObjectNode object(String json) throws Exception {
    return (ObjectNode) WireJson.mapper().readTree(json);
  }

  private static ObjectNode object(byte[] json) throws Exception {
    return (ObjectNode) WireJson.mapper().readTree(json);
  }

  /** A whole body, as the client sends it (no object opened around it). */
  private static byte[] body(ResultCodecsTest.Members body) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = WireJson.factory().createGenerator(out)) {
      body.write(json);
    }
    return out.toByteArray();
  }
}
