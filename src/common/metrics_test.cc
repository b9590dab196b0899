#include "common/metrics.h"

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace strata::metrics {
namespace {

TEST(MetricsTest, RendersCountersAndGaugesWithHelpTypeAndLabels) {
  Registry registry;
  registry.GetCounter("strata_http_requests_total", "HTTP requests.", {{"route", "/ping"}})
      ->Increment(3);
  registry.GetCounter("strata_http_requests_total", "HTTP requests.", {{"route", "/health"}})
      ->Increment();
  registry.GetGauge("strata_buffer_bytes", "Bytes \\ buffered\nnow.")->Set(1.5);
  registry.AddCallbackGauge("strata_answer", "Read at render time.", {}, [] { return 42.0; });
  EXPECT_EQ(registry.Render(),
            "# HELP strata_answer Read at render time.\n"
            "# TYPE strata_answer gauge\n"
            "strata_answer 42\n"
            "# HELP strata_buffer_bytes Bytes \\\\ buffered\\nnow.\n"
            "# TYPE strata_buffer_bytes gauge\n"
            "strata_buffer_bytes 1.5\n"
            "# HELP strata_http_requests_total HTTP requests.\n"
            "# TYPE strata_http_requests_total counter\n"
            "strata_http_requests_total{route=\"/ping\"} 3\n"
            "strata_http_requests_total{route=\"/health\"} 1\n");
}

TEST(MetricsTest, SameNameAndLabelsIsTheSameSeries) {
  Registry registry;
  Counter* a = registry.GetCounter("c_total", "c", {{"k", "v"}});
  Counter* b = registry.GetCounter("c_total", "c", {{"k", "v"}});
  Counter* c = registry.GetCounter("c_total", "c", {{"k", "w"}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(MetricsTest, EscapesLabelValues) {
  Registry registry;
  registry.GetGauge("g", "g", {{"path", "a\"b\\c\nd"}, {"x", ""}})->Set(-2);
  EXPECT_EQ(registry.Render(),
            "# HELP g g\n# TYPE g gauge\ng{path=\"a\\\"b\\\\c\\nd\",x=\"\"} -2\n");
}

TEST(MetricsTest, HistogramRendersCumulativeBucketsSumAndCount) {
  Registry registry;
  Histogram* h = registry.GetHistogram(
      "strata_query_duration_seconds", "Query latency.", {0.1, 0.5, 1}, {{"result", "ok"}});
  h->Observe(0.05);
  h->Observe(0.1);  // on a bound: counted in that bucket (le is "less than or equal")
  h->Observe(0.7);
  h->Observe(3);
  EXPECT_EQ(registry.Render(),
            "# HELP strata_query_duration_seconds Query latency.\n"
            "# TYPE strata_query_duration_seconds histogram\n"
            "strata_query_duration_seconds_bucket{result=\"ok\",le=\"0.1\"} 2\n"
            "strata_query_duration_seconds_bucket{result=\"ok\",le=\"0.5\"} 2\n"
            "strata_query_duration_seconds_bucket{result=\"ok\",le=\"1\"} 3\n"
            "strata_query_duration_seconds_bucket{result=\"ok\",le=\"+Inf\"} 4\n"
            "strata_query_duration_seconds_sum{result=\"ok\"} 3.85\n"
            "strata_query_duration_seconds_count{result=\"ok\"} 4\n");
}

TEST(MetricsTest, HistogramWithoutLabels) {
  Registry registry;
  registry.GetHistogram("h_seconds", "h", {0.25});
  EXPECT_EQ(registry.Render(),
            "# HELP h_seconds h\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"0.25\"} 0\nh_seconds_bucket{le=\"+Inf\"} 0\n"
            "h_seconds_sum 0\nh_seconds_count 0\n");
}

TEST(MetricsTest, FormatsSpecialValues) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(12345678901.0), "12345678901");
  EXPECT_EQ(FormatSampleValue(0.0001), "0.0001");
  EXPECT_EQ(FormatSampleValue(2.5e-7), "2.5e-07");
  EXPECT_EQ(FormatSampleValue(1e300), "1e+300");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
}

TEST(MetricsTest, ValidatesNames) {
  EXPECT_TRUE(IsValidMetricName("strata_wal:fsyncs_total"));
  EXPECT_FALSE(IsValidMetricName("1abc"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("route"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName("__reserved"));
}

TEST(MetricsTest, ConcurrentUpdatesAreNotLost) {
  Registry registry;
  Counter* counter = registry.GetCounter("c_total", "c");
  Gauge* gauge = registry.GetGauge("g", "g");
  Histogram* histogram = registry.GetHistogram("h", "h", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter->Increment();
        gauge->Add(1);
        histogram->Observe(0.5);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(counter->value(), 40000u);
  EXPECT_EQ(gauge->value(), 40000.0);
  EXPECT_EQ(histogram->count(), 40000u);
  EXPECT_EQ(histogram->sum(), 20000.0);
  EXPECT_EQ(histogram->CumulativeCounts().front(), 40000u);
}

TEST(MetricsDeathTest, TypeConflictIsABug) {
  Registry registry;
  registry.GetCounter("x", "x");
  EXPECT_DEATH(registry.GetGauge("x", "x"), "type");
}

}  // namespace
}  // namespace strata::metrics
