package dev.factum.bench.compare.report;

import dev.factum.bench.compare.AppendFigures;
import dev.factum.bench.compare.CompareResults;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.LatencySummary;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The PNG charts of a {@link CompareResults}, drawn headless with JFreeChart: throughput against
 * writers, append latency percentiles at 64 writers, entity-load latency, and the growth curves.
 * Rates and latencies span orders of magnitude between systems, so value axes are logarithmic.
 *
 * <p>What must stay true: a chart plots only measured, positive figures (a system or workload
 * without figures is left out, never drawn as zero), and a chart with nothing to plot is not
 * written. Returns the file names written, for the report.
 */
public final class CompareCharts {
  public static final String THROUGHPUT = "compare-throughput.png";
  public static final String APPEND_LATENCY = "compare-append-latency.png";
  public static final String LOAD_LATENCY = "compare-entity-load.png";
  public static final String GROWTH = "compare-growth.png";
  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;

  private CompareCharts() {}

  public static List<String> write(CompareResults results, Path directory) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<String> written = new ArrayList<>();
    save(throughput(results), directory, THROUGHPUT, written);
    save(appendLatency(results), directory, APPEND_LATENCY, written);
    save(loadLatency(results), directory, LOAD_LATENCY, written);
    save(growth(results), directory, GROWTH, written);
    return written;
  }

  private static JFreeChart throughput(CompareResults results) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (CompareResults.SystemResults system : results.systems()) {
      for (AppendFigures figures : system.appends()) {
        if (figures.eventsPerSecond() > 0) {
          data.addValue(
              figures.eventsPerSecond(), system.name(), CompareReport.label(figures.variant()));
        }
      }
    }
    if (data.getRowCount() == 0) {
      return null;
    }
    JFreeChart chart =
        ChartFactory.createLineChart(
            "Durable appends: events/s by writers × events per append",
            "writers × events per append (64 × 10: batching clients)",
            "events/s",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setRangeAxis(logAxis("events/s (log scale)"));
    LineAndShapeRenderer renderer = new LineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getRowCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2.5f));
    }
    plot.setRenderer(renderer);
    return style(chart);
  }

  private static JFreeChart appendLatency(CompareResults results) {
    DurableAppends.Variant variant = new DurableAppends.Variant(64, 1);
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (CompareResults.SystemResults system : results.systems()) {
      AppendFigures figures = system.append(variant);
      if (figures != null) {
        percentiles(data, system.name(), figures.latency());
      }
    }
    return bars(data, "Durable append latency, 64 writers × 1 event (disk: one fsync)");
  }

  private static JFreeChart loadLatency(CompareResults results) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (CompareResults.SystemResults system : results.systems()) {
      if (system.reads() != null && system.reads().loads() != null) {
        percentiles(data, system.name(), system.reads().loads().summary());
      }
    }
    return bars(
        data,
        "Loading one entity's 100 events from "
            + Fmt.count(results.options().loadEvents())
            + " events, 1 thread");
  }

  private static void percentiles(
      DefaultCategoryDataset data, String system, LatencySummary latency) {
    if (latency.p50() > 0) {
      data.addValue(latency.p50(), "p50", system);
      data.addValue(latency.p99(), "p99", system);
      data.addValue(latency.p999(), "p99.9", system);
    }
  }

  private static JFreeChart bars(DefaultCategoryDataset data, String title) {
    if (data.getColumnCount() == 0) {
      return null;
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            title, null, "µs", data, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    LogAxis axis = logAxis("µs (log scale)");
    plot.setRangeAxis(axis);
    // System names are long: let them wrap rather than be cut to "Fact...".
    plot.getDomainAxis().setMaximumCategoryLabelLines(3);
    plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setShadowVisible(false);
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setItemMargin(0.05);
    // Bars of a log axis start at its lower bound, not at zero.
    renderer.setBase(axis.getLowerBound());
    renderer.setIncludeBaseInRange(false);
    return style(chart);
  }

  private static JFreeChart growth(CompareResults results) {
    XYSeriesCollection appends = new XYSeriesCollection();
    XYSeriesCollection loads = new XYSeriesCollection();
    for (CompareResults.SystemResults system : results.systems()) {
      if (system.growth().isEmpty()) {
        continue;
      }
      XYSeries append = new XYSeries(system.name() + ": appends/s (64 writers)");
      XYSeries load = new XYSeries(system.name() + ": entity load p99 µs");
      for (CompareResults.GrowthPoint point : system.growth()) {
        append.add((double) point.storeEvents(), point.appends().eventsPerSecond());
        load.add((double) point.storeEvents(), point.loads().summary().p99());
      }
      appends.addSeries(append);
      loads.addSeries(load);
    }
    if (appends.getSeriesCount() == 0) {
      return null;
    }
    CombinedDomainXYPlot plot =
        new CombinedDomainXYPlot(logAxis("events in the store (log scale)"));
    plot.setGap(12);
    plot.add(new XYPlot(appends, null, logAxis("append events/s, 64 writers"), lines(appends)), 1);
    plot.add(new XYPlot(loads, null, logAxis("entity load p99 µs"), lines(loads)), 1);
    JFreeChart chart =
        new JFreeChart(
            "Growth: appends and entity loads as the store grows",
            JFreeChart.DEFAULT_TITLE_FONT,
            plot,
            true);
    return style(chart);
  }

  private static XYLineAndShapeRenderer lines(XYSeriesCollection data) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2.5f));
    }
    return renderer;
  }

  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0x17becf)
  };

  /** A base-10 log axis labelled with plain numbers. */
  private static LogAxis logAxis(String label) {
    LogAxis axis = new LogAxis(label);
    axis.setBase(10);
    axis.setStandardTickUnits(NumberAxis.createStandardTickUnits());
    axis.setNumberFormatOverride(
        new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    axis.setMinorTickMarksVisible(true);
    axis.setSmallestValue(1);
    return axis;
  }

  private static JFreeChart style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    chart.getPlot().setBackgroundPaint(new Color(0xf7f7f7));
    if (chart.getPlot() instanceof CategoryPlot plot) {
      plot.setRangeGridlinePaint(Color.GRAY);
      for (int i = 0; i < PALETTE.length; i++) {
        plot.getRenderer().setSeriesPaint(i, PALETTE[i]);
      }
    }
    return chart;
  }

  private static void save(JFreeChart chart, Path directory, String name, List<String> written)
      throws IOException {
    if (chart != null) {
      ChartUtils.saveChartAsPNG(directory.resolve(name).toFile(), chart, WIDTH, HEIGHT);
      written.add(name);
    }
  }
}
