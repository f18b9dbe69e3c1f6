package dev.factum.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A GitHub-flavoured Markdown table. In a table of figures the first column is left-aligned
 * (labels) and every other column right-aligned. Each row must have as many cells as the header.
 */
public final class MarkdownTable {
  private final List<String> header;
  private final boolean figures;
  private final List<List<String>> rows = new ArrayList<>();

  /** A table of figures: every column after the first is right-aligned. */
  public MarkdownTable(String... header) {
    this(true, header);
  }

  private MarkdownTable(boolean figures, String... header) {
    this.header = List.of(header);
    this.figures = figures;
  }

  /** A table of text: every column left-aligned. */
  public static MarkdownTable text(String... header) {
    return new MarkdownTable(false, header);
  }

  public MarkdownTable row(String... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + header.size() + " columns");
    }
    rows.add(List.of(cells));
    return this;
  }

  public String render() {
    StringBuilder out = new StringBuilder();
    line(out, header);
    out.append('|');
    for (int i = 0; i < header.size(); i++) {
      out.append(i == 0 || !figures ? " --- |" : " ---: |");
    }
    out.append('\n');
    for (List<String> row : rows) {
      line(out, row);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells) {
    out.append('|');
    for (String cell : cells) {
      out.append(' ').append(cell.replace("|", "\\|")).append(" |");
    }
    out.append('\n');
  }
}
