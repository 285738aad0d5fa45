#include "bot/metrics.h"

#include <charconv>
#include <cmath>
#include <set>

namespace linli::metrics {

namespace {

bool NameChar(char c, bool first, bool colon) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  if (letter || (colon && c == ':')) return true;
  return !first && c >= '0' && c <= '9';
}

bool ValidName(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!NameChar(name[i], i == 0, colon)) return false;
  }
  return true;
}

void AppendLabels(std::string& out, const LabelPairs& labels) {
  if (labels.empty()) return;
  out.push_back('{');
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += labels[i].first;
    out += "=\"";
    out += EscapeLabelValue(labels[i].second);
    out.push_back('"');
  }
  out.push_back('}');
}

LabelPairs Pairs(const std::vector<std::string>& names, const std::vector<std::string>& values) {
  LabelPairs out;
  out.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) out.emplace_back(names[i], values[i]);
  return out;
}

const char* TypeName(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kHistogram:
      return "histogram";
    case Type::kGauge:
      break;
  }
  return "gauge";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  // Few bounds (about a dozen): a linear scan beats a binary search's branches here.
  size_t i = 0;
  while (i < bounds_.size() && !(value <= bounds_[i])) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  if (!std::isnan(value)) sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  s.cumulative.resize(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers up to 2^53 exactly, without an exponent (counters read best that way).
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);  // shortest round trip
  return std::string(buf, res.ptr);
}

std::string Render(const std::vector<Family>& families) {
  std::string out;
  for (const Family& f : families) {
    out += "# HELP " + f.name + " " + EscapeHelp(f.help) + "\n";
    out += "# TYPE " + f.name + " " + TypeName(f.type) + "\n";
    for (const Sample& s : f.samples) {
      out += f.name;
      out += s.suffix;
      AppendLabels(out, s.labels);
      out.push_back(' ');
      out += FormatValue(s.value);
      out.push_back('\n');
    }
  }
  return out;
}

Family CounterFamily::Collect() const {
  Family f{name_, help_, Type::kCounter, {}};
  children_.ForEach([&](const std::vector<std::string>& values, const Counter& c) {
    f.samples.push_back(
        {"", Pairs(children_.label_names(), values), static_cast<double>(c.value())});
  });
  return f;
}

Family HistogramFamily::Collect() const {
  Family f{name_, help_, Type::kHistogram, {}};
  children_.ForEach([&](const std::vector<std::string>& values, const Histogram& h) {
    const LabelPairs labels = Pairs(children_.label_names(), values);
    const Histogram::Snapshot s = h.Read();
    for (size_t i = 0; i < s.cumulative.size(); ++i) {
      LabelPairs with_le = labels;
      with_le.emplace_back("le", i < s.bounds.size() ? FormatValue(s.bounds[i]) : "+Inf");
      f.samples.push_back({"_bucket", std::move(with_le), static_cast<double>(s.cumulative[i])});
    }
    f.samples.push_back({"_sum", labels, s.sum});
    f.samples.push_back({"_count", labels, static_cast<double>(s.count)});
  });
  return f;
}

CounterFamily& Registry::AddCounter(std::string name, std::string help,
                                    std::vector<std::string> label_names, size_t max_children) {
  std::lock_guard<std::mutex> lock(mu_);
  order_.emplace_back(Type::kCounter, counters_.size());
  return counters_.emplace_back(std::move(name), std::move(help), std::move(label_names),
                                max_children);
}

HistogramFamily& Registry::AddHistogram(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds, size_t max_children) {
  std::lock_guard<std::mutex> lock(mu_);
  order_.emplace_back(Type::kHistogram, histograms_.size());
  return histograms_.emplace_back(std::move(name), std::move(help), std::move(label_names),
                                  std::move(bounds), max_children);
}

bool ValidMetricName(std::string_view name) { return ValidName(name, /*colon=*/true); }

bool ValidLabelName(std::string_view name) {
  return ValidName(name, /*colon=*/false) && name.substr(0, 2) != "__";
}

Status Registry::Check() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> seen;
  auto bad = [](const std::string& name, const std::string& why) {
    return Status::InvalidArgument("metric " + name + ": " + why);
  };
  auto check_common = [&](const std::string& name,
                          const std::vector<std::string>& labels) -> Status {
    if (!ValidMetricName(name)) return bad(name, "not a valid metric name");
    if (!seen.insert(name).second) return bad(name, "registered twice");
    std::set<std::string> label_set;
    for (const auto& l : labels) {
      if (!ValidLabelName(l)) return bad(name, "label \"" + l + "\" is not a valid label name");
      if (!label_set.insert(l).second) return bad(name, "label " + l + " listed twice");
    }
    return Status::Ok();
  };
  for (const auto& [type, index] : order_) {
    if (type == Type::kCounter) {
      const CounterFamily& c = counters_[index];
      LINLI_RETURN_IF_ERROR(check_common(c.name(), c.label_names()));
      const std::string_view n = c.name();
      if (n.size() < 6 || n.substr(n.size() - 6) != "_total") {
        return bad(c.name(), "a counter's name must end in _total");
      }
    } else {
      const HistogramFamily& h = histograms_[index];
      LINLI_RETURN_IF_ERROR(check_common(h.name(), h.label_names()));
      for (const auto& l : h.label_names()) {
        if (l == "le") return bad(h.name(), "a histogram may not have a label le");
      }
      if (h.bounds().empty()) return bad(h.name(), "a histogram needs bucket bounds");
      for (size_t i = 0; i < h.bounds().size(); ++i) {
        if (!std::isfinite(h.bounds()[i]) || (i > 0 && h.bounds()[i] <= h.bounds()[i - 1])) {
          return bad(h.name(), "bucket bounds must be finite and strictly increasing");
        }
      }
    }
  }
  return Status::Ok();
}

std::vector<Family> Registry::Collect() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Family> out;
  out.reserve(order_.size());
  for (const auto& [type, index] : order_) {
    out.push_back(type == Type::kCounter ? counters_[index].Collect()
                                         : histograms_[index].Collect());
  }
  return out;
}

}  // namespace linli::metrics
