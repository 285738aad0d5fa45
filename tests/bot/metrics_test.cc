// bot/metrics.h: the Prometheus text format 0.0.4 as the registry writes it - HELP/TYPE lines,
// escaping of label values and help text, value spelling, histogram buckets cumulative with
// +Inf equal to _count, labelled children made once, the overflow child, and the naming rules
// Registry::Check enforces.
#include "bot/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace linli::metrics::metrics_test {
namespace {

using ::testing::HasSubstr;

TEST(MetricsRenderTest, WritesHelpTypeAndSamplesInOrder) {
  std::vector<Family> families = {
      {"a_total", "Things counted.", Type::kCounter, {{"", {{"x", "1"}, {"y", "b"}}, 3}}},
      {"b", "A level.", Type::kGauge, {{"", {}, 2.5}}},
  };
  EXPECT_EQ(Render(families),
            "# HELP a_total Things counted.\n"
            "# TYPE a_total counter\n"
            "a_total{x=\"1\",y=\"b\"} 3\n"
            "# HELP b A level.\n"
            "# TYPE b gauge\n"
            "b 2.5\n");
}

TEST(MetricsRenderTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue(R"(a\b"c)" "\n" "d"), R"(a\\b\"c\nd)");
  EXPECT_EQ(EscapeLabelValue("幸福里 1号楼"), "幸福里 1号楼");  // UTF-8 passes as is
  // HELP escapes backslash and line feed but not the double quote.
  EXPECT_EQ(EscapeHelp("say \"hi\"\\\nnext"), "say \"hi\"\\\\\\nnext");
  const std::string text =
      Render({{"m", "line one\nline two", Type::kGauge, {{"", {{"l", "q\"\n\\"}}, 1}}}});
  EXPECT_EQ(text,
            "# HELP m line one\\nline two\n"
            "# TYPE m gauge\n"
            "m{l=\"q\\\"\\n\\\\\"} 1\n");
}

TEST(MetricsRenderTest, SpellsValuesAsPrometheusReadsThem) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(18446744073709551615.0), "18446744073709551616");  // 2^64 as a double
  EXPECT_EQ(FormatValue(0.005), "0.005");
  EXPECT_EQ(FormatValue(0.1 + 0.2), "0.30000000000000004");  // round trips exactly
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(MetricsHistogramTest, BucketsAreCumulativeAndInfEqualsCount) {
  Histogram h({0.1, 1, 10});
  for (double v : {0.05, 0.1, 0.5, 1.0, 1.5, 20.0, 30.0}) h.Observe(v);
  const Histogram::Snapshot s = h.Read();
  // le=0.1: 0.05 and 0.1 (a value equal to a bound counts in it); le=1: + 0.5, 1.0; le=10: +
  // 1.5; +Inf: + 20, 30.
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 4, 5, 7}));
  EXPECT_EQ(s.count, 7u);
  EXPECT_DOUBLE_EQ(s.sum, 0.05 + 0.1 + 0.5 + 1.0 + 1.5 + 20.0 + 30.0);
  h.Observe(std::nan(""));  // +Inf, and not in the sum
  EXPECT_EQ(h.Read().cumulative.back(), 8u);
  EXPECT_DOUBLE_EQ(h.Read().sum, s.sum);
}

TEST(MetricsHistogramTest, FamilyRendersBucketSumAndCount) {
  Registry r;
  HistogramFamily& f = r.AddHistogram("lat_seconds", "Latency.", {"ch"}, {0.5, 2});
  f.With({"tg"}).Observe(0.25);
  f.With({"tg"}).Observe(1);
  f.With({"tg"}).Observe(3);
  EXPECT_EQ(Render(r.Collect()),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{ch=\"tg\",le=\"0.5\"} 1\n"
            "lat_seconds_bucket{ch=\"tg\",le=\"2\"} 2\n"
            "lat_seconds_bucket{ch=\"tg\",le=\"+Inf\"} 3\n"
            "lat_seconds_sum{ch=\"tg\"} 4.25\n"
            "lat_seconds_count{ch=\"tg\"} 3\n");
}

TEST(MetricsFamilyTest, ChildrenAreMadeOnceAndKeepTheirAddress) {
  Registry r;
  CounterFamily& f = r.AddCounter("hits_total", "Hits.", {"channel", "status"});
  Counter& a = f.With({"tg", "200"});
  a.Inc();
  f.With({"tg", "401"}).Inc(2);
  for (int i = 0; i < 100; ++i) f.With({"x" + std::to_string(i), "200"});  // grows the list
  EXPECT_EQ(&f.With({"tg", "200"}), &a);
  a.Inc();
  const std::string text = Render(r.Collect());
  EXPECT_THAT(text, HasSubstr("hits_total{channel=\"tg\",status=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("hits_total{channel=\"tg\",status=\"401\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("hits_total{channel=\"x99\",status=\"200\"} 0\n"));
}

TEST(MetricsFamilyTest, BeyondTheCapNewValuesShareTheOverflowChild) {
  Registry r;
  CounterFamily& f = r.AddCounter("errors_total", "Errors.", {"code"}, /*max_children=*/2);
  f.With({"1"}).Inc();
  f.With({"2"}).Inc();
  f.With({"3"}).Inc();
  f.With({"4"}).Inc(5);
  EXPECT_EQ(&f.With({"3"}), &f.With({"4"}));
  f.With({"1"}).Inc();  // an existing child is still its own
  const std::string text = Render(r.Collect());
  EXPECT_THAT(text, HasSubstr("errors_total{code=\"1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("errors_total{code=\"2\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("errors_total{code=\"other\"} 6\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("code=\"4\"")));
}

TEST(MetricsFamilyTest, ConcurrentIncrementsAreAllCounted) {
  Registry r;
  CounterFamily& f = r.AddCounter("n_total", "N.", {});
  Counter& c = f.With({});
  Histogram& h = r.AddHistogram("v", "V.", {}, {1}).With({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        h.Observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000u);
  EXPECT_EQ(h.Read().cumulative, (std::vector<uint64_t>{40000, 40000}));
  EXPECT_DOUBLE_EQ(h.Read().sum, 20000);
}

TEST(MetricsRegistryTest, CheckNamesTheRuleABadFamilyBreaks) {
  auto check = [](auto add) {
    Registry r;
    add(r);
    return r.Check();
  };
  EXPECT_TRUE(check([](Registry& r) {
                r.AddCounter("ok_total", "x", {"a_b"});
                r.AddHistogram("ok:seconds", "x", {"c"}, {0.1, 1});
              }).ok());
  const Status not_total = check([](Registry& r) { r.AddCounter("hits", "x"); });
  EXPECT_THAT(not_total.message(), HasSubstr("hits: a counter's name must end in _total"));
  EXPECT_THAT(check([](Registry& r) { r.AddCounter("9lives_total", "x"); }).message(),
              HasSubstr("not a valid metric name"));
  EXPECT_THAT(check([](Registry& r) { r.AddCounter("a_total", "x", {"bad-label"}); }).message(),
              HasSubstr("label \"bad-label\""));
  EXPECT_THAT(check([](Registry& r) { r.AddCounter("a_total", "x", {"__reserved"}); }).message(),
              HasSubstr("__reserved"));
  EXPECT_THAT(check([](Registry& r) {
                r.AddCounter("a_total", "x");
                r.AddCounter("a_total", "y");
              }).message(),
              HasSubstr("registered twice"));
  EXPECT_THAT(check([](Registry& r) { r.AddHistogram("h", "x", {"le"}, {1}); }).message(),
              HasSubstr("label le"));
  EXPECT_THAT(check([](Registry& r) { r.AddHistogram("h", "x", {}, {1, 1}); }).message(),
              HasSubstr("strictly increasing"));
  EXPECT_THAT(check([](Registry& r) { r.AddHistogram("h", "x", {}, {}); }).message(),
              HasSubstr("needs bucket bounds"));
}

TEST(MetricsRegistryTest, FamiliesRenderInRegistrationOrder) {
  Registry r;
  r.AddHistogram("first", "1", {}, {1}).With({});
  r.AddCounter("second_total", "2").With({});
  const std::string text = Render(r.Collect());
  EXPECT_LT(text.find("# TYPE first histogram"), text.find("# TYPE second_total counter"));
  // A family without children is its HELP and TYPE only.
  Registry empty;
  empty.AddCounter("none_total", "No children yet.", {"x"});
  EXPECT_EQ(Render(empty.Collect()),
            "# HELP none_total No children yet.\n# TYPE none_total counter\n");
}

}  // namespace
}  // namespace linli::metrics::metrics_test
