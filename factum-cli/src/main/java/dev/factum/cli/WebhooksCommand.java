package dev.factum.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * {@code factum webhooks create|list|show|pause|resume|delete}: the root store's webhooks through a
 * running server's {@code /admin/webhooks} (docs/WEBHOOKS.md). {@code create} prints the answer,
 * which holds the signing secret (shown only then).
 */
final class WebhooksCommand extends ForwarderCommand {
  @Override
  public String summary() {
    return "create, list, show, pause, resume or delete webhooks on a running server";
  }

  @Override
  public String usage() {
    return """
        Usage: factum webhooks create NAME --target URL [--category C]... [--type T]... [--tag T]...
                                    [--stream S] [--start beginning|end|POSITION] [--max-batch N]
                                    [--timeout-ms N] [--retries N] [--backoff-ms N] [--paused]
               factum webhooks list
               factum webhooks show|pause|resume|delete NAME
             each with  --url URL [--api-key KEY]  (a running server; an admin key without a tenant)

        A webhook POSTs the events of its source (the whole log, one stream, or categories, types
        or tags) to --target in signed batches, in per-stream order, retrying and parking through
        its consumer group $webhook-NAME (see factum groups parked|replay|skip). create prints the
        signing secret once: keep it for the receiver (docs/WEBHOOKS.md shows how to verify).

        """
        + Remote.HELP;
  }

  @Override
  String kind() {
    return "webhooks";
  }

  @Override
  Set<String> createOptions() {
    return Set.of(
        "target",
        "category",
        "type",
        "tag",
        "stream",
        "start",
        "max-batch",
        "timeout-ms",
        "retries",
        "backoff-ms");
  }

  @Override
  Set<String> repeatable() {
    return Set.of("category", "type", "tag");
  }

  @Override
  ObjectNode definition(ObjectMapper json, String name, Args args) {
    String target = args.get("target");
    if (target == null) {
      throw new Args.UsageException("create needs --target URL");
    }
    ObjectNode body = json.createObjectNode();
    body.put("name", name);
    body.put("url", target);
    ObjectNode source = body.putObject("source");
    if (args.get("stream") != null) {
      source.put("stream", args.get("stream"));
    }
    putFilter(source, args, args.get("stream") == null ? 0 : 1);
    String start = args.get("start");
    if (start != null) {
      if (start.equals("beginning") || start.equals("end")) {
        body.put("start", start);
      } else {
        body.put("start", args.number("start", 0, 0, Long.MAX_VALUE - 1));
      }
    }
    putNumber(body, args, "max-batch", "maxBatch");
    putNumber(body, args, "timeout-ms", "timeoutMillis");
    putNumber(body, args, "retries", "maxRetries");
    putNumber(body, args, "backoff-ms", "backoffMillis");
    if (args.flag("paused")) {
      body.put("paused", true);
    }
    return body;
  }

  /** The server checks the ranges; here only that it is a whole number. */
  private static void putNumber(ObjectNode body, Args args, String option, String field) {
    if (args.get(option) != null) {
      body.put(field, args.number(option, 0, 0, Long.MAX_VALUE));
    }
  }
}
