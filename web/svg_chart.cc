#include "web/svg_chart.h"

#include <algorithm>
#include <cstdio>

#include "web/html.h"

namespace linli::web {

namespace {

constexpr int kWidth = 320;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Open(std::string_view title, int height) {
  return "<svg role=\"img\" viewBox=\"0 0 " +
         std::to_string(kWidth) + " " + std::to_string(height) +
         "\" width=\"100%\" style=\"max-width:40em\" font-size=\"10\"><title>" + Escape(title) +
         "</title>";
}

std::string Rect(double x, double y, double w, double h, const std::string& color,
                 const std::string& tip) {
  return "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(w) + "\" height=\"" +
         Num(h) + "\" fill=\"" + Escape(color) + "\"><title>" + Escape(tip) + "</title></rect>";
}

std::string Text(double x, double y, const std::string& anchor, const std::string& text) {
  return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" + anchor + "\">" +
         Escape(text) + "</text>";
}

std::string Tip(const std::string& label, const std::string& series, const std::string& text) {
  return label + (series.empty() ? "" : " " + series) + ": " + text;
}

}  // namespace

std::string ColumnChart(std::string_view title, const std::vector<std::string>& labels,
                        const std::vector<ChartSeries>& series,
                        const std::vector<std::string>& totals, double max_value) {
  const int legend_rows = series.size() > 1 ? static_cast<int>((series.size() + 3) / 4) : 0;
  const int top = 16, plot = 120, bottom = 18;
  const int height = top + plot + bottom + legend_rows * 14;
  double max = max_value;
  if (max <= 0) {
    for (size_t i = 0; i < labels.size(); ++i) {
      double sum = 0;
      for (const auto& s : series) {
        if (i < s.values.size() && s.values[i] > 0) sum += s.values[i];
      }
      max = std::max(max, sum);
    }
  }
  if (max <= 0) max = 1;
  std::string out = Open(title, height);
  out += "<line x1=\"0\" y1=\"" + std::to_string(top + plot) + "\" x2=\"" +
         std::to_string(kWidth) + "\" y2=\"" + std::to_string(top + plot) +
         "\" stroke=\"#999\"/>";
  const double slot = labels.empty() ? kWidth : static_cast<double>(kWidth) / labels.size();
  const double bar = slot * 0.6;
  for (size_t i = 0; i < labels.size(); ++i) {
    const double x = slot * i + (slot - bar) / 2;
    double y = top + plot;
    for (const auto& s : series) {
      if (i >= s.values.size() || s.values[i] <= 0) continue;
      const double h = s.values[i] / max * plot;
      y -= h;
      out += Rect(x, y, bar, h, s.color, Tip(labels[i], s.name, i < s.texts.size() ? s.texts[i] : ""));
    }
    std::string above;
    if (series.size() == 1) {
      above = i < series[0].texts.size() ? series[0].texts[i] : "";
    } else if (i < totals.size()) {
      above = totals[i];
    }
    if (!above.empty()) out += Text(x + bar / 2, y - 3, "middle", above);
    out += Text(slot * i + slot / 2, top + plot + 13, "middle", labels[i]);
  }
  if (legend_rows > 0) {
    for (size_t k = 0; k < series.size(); ++k) {
      const double lx = 80.0 * (k % 4);
      const double ly = top + plot + bottom + 14.0 * (k / 4);
      out += "<rect x=\"" + Num(lx) + "\" y=\"" + Num(ly + 2) + "\" width=\"9\" height=\"9\" fill=\"" +
             Escape(series[k].color) + "\"/>";
      out += Text(lx + 12, ly + 10, "start", series[k].name);
    }
  }
  return out + "</svg>";
}

std::string BarChart(std::string_view title, const std::vector<std::string>& labels,
                     const ChartSeries& series) {
  const int row = 20;
  const int height = std::max<int>(row, static_cast<int>(labels.size()) * row) + 4;
  const double left = 110, right = 44;
  double max = 0;
  for (double v : series.values) max = std::max(max, v);
  if (max <= 0) max = 1;
  std::string out = Open(title, height);
  for (size_t i = 0; i < labels.size(); ++i) {
    const double y = 2.0 + row * i;
    out += Text(left - 4, y + 13, "end", labels[i]);
    const double v = i < series.values.size() ? series.values[i] : -1;
    const std::string text = i < series.texts.size() ? series.texts[i] : "";
    double end = left;
    if (v > 0) {
      const double w = v / max * (kWidth - left - right);
      out += Rect(left, y + 3, w, row - 6, series.color, Tip(labels[i], series.name, text));
      end += w;
    }
    out += Text(end + 4, y + 13, "start", text);
  }
  return out + "</svg>";
}

}  // namespace linli::web
