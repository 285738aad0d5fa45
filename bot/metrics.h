// Metrics in the Prometheus text exposition format, version 0.0.4 (issue 13 point 9): the
// series a process counts as it runs (counters, fixed-bucket histograms) and the renderer that
// writes them, together with gauges read at scrape time, for GET /metrics.
//
// The hot path. Counter::Inc and Histogram::Observe are lock-free (relaxed atomics) and never
// allocate, so they may run on the event loop, the write-queue thread and the outbox threads
// alike. Everything that allocates or locks happens once: a family's child for a set of label
// values is made (under the family's mutex) by With(), and the caller keeps the reference -
// children live as long as their family and never move. Rendering locks each family briefly
// to walk its children; it is for the scrape, not the turn.
//
// The format (https://prometheus.io/docs/instrumenting/exposition_formats/, 0.0.4):
//   # HELP <name> <help: backslash as \\, line feed as \n>
//   # TYPE <name> counter|gauge|histogram
//   <name>{<label>="<value: backslash \\, double quote \", line feed \n>",...} <value>
// one family after the other, each family's samples together. Values are integers where they
// are whole, else the shortest decimal that reads back as the same double; +Inf, -Inf and NaN
// as Prometheus spells them. A histogram <name> is written as <name>_bucket{...,le="<bound>"}
// with cumulative counts for every bound and le="+Inf" (equal to <name>_count), then
// <name>_sum and <name>_count.
//
// Names. Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* and
// do not start with "__"; a counter's name ends in "_total"; a histogram has no label "le" and
// its bounds are finite and strictly increasing. Registry::Check says which rule a registered
// family breaks (the server checks its registry at start-up; a test checks it too).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/status.h"

namespace linli::metrics {

// A count that only goes up. Thread-safe, lock-free.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Observations counted in buckets whose upper bounds are fixed at construction (an implicit
// +Inf bucket follows the last). Thread-safe, lock-free: Observe adds one to one bucket and
// the value to the sum. A value equal to a bound counts in that bound's bucket (le = "less or
// equal"); NaN counts in +Inf and is not added to the sum.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // bounds.size() + 1 counts; the last is +Inf = count
    double sum = 0;
    uint64_t count = 0;
  };
  // Under concurrent Observe calls the sum may lag the buckets by the observations in flight;
  // count always equals the +Inf bucket.
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bucket (not cumulative), +Inf last
  std::atomic<double> sum_{0};
};

// Bucket bounds for durations in seconds, from 1 ms to 10 s.
std::vector<double> LatencyBuckets();

// ---- the rendered model (also for gauges read at scrape time) ----

enum class Type { kCounter, kGauge, kHistogram };

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  std::string suffix;  // "" or, for histograms, "_bucket" / "_sum" / "_count"
  LabelPairs labels;   // in the order written
  double value = 0;
};

struct Family {
  std::string name;
  std::string help;
  Type type = Type::kGauge;
  std::vector<Sample> samples;
};

// Pure: the exposition text of `families`, in order (see the file comment). A family without
// samples is written as its HELP and TYPE lines only.
std::string Render(const std::vector<Family>& families);
// Pure pieces of Render, for tests and callers that write a line themselves.
std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);
std::string FormatValue(double value);

// ---- labelled families of live series ----

// The children of one family, one per distinct list of label values (in the order of the
// family's label names). With() makes a child on first use and returns the same one after;
// the reference stays valid for the family's life. With at most `max_children` children, a
// new list of values gets the overflow child instead, whose every label is "other" - so a
// label fed from outside (a platform's error code) cannot grow the process without bound.
// A list of the wrong length is padded with "" or cut. Thread-safe (a mutex; keep the child).
template <class Series>
class Children {
 public:
  Children(std::vector<std::string> label_names, size_t max_children)
      : label_names_(std::move(label_names)), max_children_(max_children) {}
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;

  template <class... Args>
  Series& With(std::vector<std::string> values, Args&&... args) {
    values.resize(label_names_.size());
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(values);
    if (it != index_.end()) return *it->second;
    if (index_.size() >= max_children_) {
      values.assign(label_names_.size(), "other");
      it = index_.find(values);
      if (it != index_.end()) return *it->second;
    }
    auto& slot = series_.emplace_back(values, std::make_unique<Series>(args...));
    index_.emplace(std::move(values), slot.second.get());
    return *slot.second;
  }

  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls fn(values, series) for every child in creation order, under the mutex.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [values, series] : series_) fn(values, *series);
  }

 private:
  const std::vector<std::string> label_names_;
  const size_t max_children_;
  mutable std::mutex mu_;
  std::deque<std::pair<std::vector<std::string>, std::unique_ptr<Series>>> series_;
  std::map<std::vector<std::string>, Series*> index_;
};

class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names,
                size_t max_children)
      : name_(std::move(name)), help_(std::move(help)),
        children_(std::move(label_names), max_children) {}
  Counter& With(std::vector<std::string> values) { return children_.With(std::move(values)); }
  const std::string& name() const { return name_; }
  Family Collect() const;
  const std::vector<std::string>& label_names() const { return children_.label_names(); }

 private:
  const std::string name_;
  const std::string help_;
  Children<Counter> children_;
};

class HistogramFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds, size_t max_children)
      : name_(std::move(name)), help_(std::move(help)), bounds_(std::move(bounds)),
        children_(std::move(label_names), max_children) {}
  Histogram& With(std::vector<std::string> values) {
    return children_.With(std::move(values), bounds_);
  }
  const std::string& name() const { return name_; }
  const std::vector<double>& bounds() const { return bounds_; }
  Family Collect() const;
  const std::vector<std::string>& label_names() const { return children_.label_names(); }

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<double> bounds_;
  Children<Histogram> children_;
};

// The families of one process, in registration order. Register them before the series are
// used (at start-up); the returned references live as long as the registry. Render may run on
// any thread at any time.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  CounterFamily& AddCounter(std::string name, std::string help,
                            std::vector<std::string> label_names = {},
                            size_t max_children = 1000);
  HistogramFamily& AddHistogram(std::string name, std::string help,
                                std::vector<std::string> label_names, std::vector<double> bounds,
                                size_t max_children = 1000);

  // kInvalidArgument naming the family and the rule for the first family that breaks one of
  // the naming rules of the file comment, or for a name registered twice.
  Status Check() const;
  // Every family's current values, in registration order.
  std::vector<Family> Collect() const;

 private:
  mutable std::mutex mu_;  // guards the lists while families are added
  std::deque<CounterFamily> counters_;
  std::deque<HistogramFamily> histograms_;
  std::vector<std::pair<Type, size_t>> order_;  // (kind, index in its list)
};

// Whether `name` is a valid metric name / label name (see the file comment).
bool ValidMetricName(std::string_view name);
bool ValidLabelName(std::string_view name);

}  // namespace linli::metrics
