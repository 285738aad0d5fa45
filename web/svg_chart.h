// Server-rendered charts as inline SVG (issue 12 point 6): no script, no external resource,
// scalable to the page's width (a 360 px phone first). Each chart is an <svg role="img"> with
// a <title> (its accessible name); every bar carries a <title> "label series: text" and the
// text is also written beside the bar, so what is drawn can be read and checked. Pages put
// the same numbers in a table next to the chart for screen readers. Every text is escaped
// here. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace linli::web {

struct ChartSeries {
  std::string name;                // "" for a chart with one series
  std::string color;               // "#b71c1c"
  std::vector<double> values;      // one per label; < 0 = nothing to draw (no data)
  std::vector<std::string> texts;  // one per label: the value as shown ("3", "75%")
};

// Vertical columns, one per label; several series are stacked (then the column's total,
// `totals[i]`, is written above it; with one series its text). `max_value` <= 0 scales to
// the highest column.
std::string ColumnChart(std::string_view title, const std::vector<std::string>& labels,
                        const std::vector<ChartSeries>& series,
                        const std::vector<std::string>& totals = {}, double max_value = 0);

// Horizontal bars, one per label, with the text at the bar's end.
std::string BarChart(std::string_view title, const std::vector<std::string>& labels,
                     const ChartSeries& series);

}  // namespace linli::web
