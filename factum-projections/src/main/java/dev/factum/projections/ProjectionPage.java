package dev.factum.projections;

import java.util.List;

/** A page of a list query: the documents, whether more match, and how many match in all. */
public record ProjectionPage(List<ProjectionDocument> documents, boolean hasMore, long total) {
  public ProjectionPage {
    documents = List.copyOf(documents);
  }
}
