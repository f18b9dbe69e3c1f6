package dev.factum.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration of the v1 format, used by the server, the client, the CLI and the
 * bench alike.
 *
 * <p>What must stay true: duplicate keys are an error (the factory's strict duplicate detection,
 * which {@link ExactJson} relies on), a document is exactly one value (no trailing tokens), and
 * numbers read into a tree keep their exact value and spelling of zeros (big decimals, trailing
 * zeros kept), so that a tree written again never changes a number.
 */
public final class WireJson {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(FACTORY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private WireJson() {}

  /** The factory for generators and {@link ExactJson} parsers. */
  public static JsonFactory factory() {
    return FACTORY;
  }

  /** The mapper for trees; shares {@link #factory()}'s settings. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
