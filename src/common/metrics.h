// Process metrics in the Prometheus data model: counters, gauges and fixed-bucket histograms,
// grouped into named families with labels, and a Registry that renders them all in the Prometheus
// text exposition format 0.0.4 (what GET /metrics serves). Increments are relaxed atomics, cheap
// enough for the write path; gauges may also be callbacks that read a component's own stats when
// the registry is rendered, so nothing is counted twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::metrics {

// Label pairs of one series, e.g. {{"route", "/api/v3/write_lp"}, {"status", "204"}}. Rendered in
// the order given.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count. Thread-safe and lock-free.
class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down. Thread-safe and lock-free.
class Gauge {
 public:
  void Set(double value) { bits_.store(ToBits(value), std::memory_order_relaxed); }
  void Add(double delta);
  double value() const { return FromBits(bits_.load(std::memory_order_relaxed)); }

 private:
  static uint64_t ToBits(double value);
  static double FromBits(uint64_t bits);
  std::atomic<uint64_t> bits_{0};  // the double's bits; 0 is +0.0
};

// Observations counted into fixed buckets by upper bound, with their sum. Observe is lock-free:
// one atomic add to the bucket, one to the count and a compare-exchange loop on the sum.
class Histogram {
 public:
  // `upper_bounds` strictly increasing and finite; +Inf is implicit.
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double value);

  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Cumulative counts per bound (as rendered), the last being +Inf (== count()).
  std::vector<uint64_t> CumulativeCounts() const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;

 private:
  const std::vector<double> upper_bounds_;
  // One per bound plus the +Inf bucket; not cumulative.
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_bits_{0};
};

// Bucket bounds for latencies in seconds: 100 µs to 60 s, about three per decade.
std::vector<double> LatencyBucketsSeconds();

// The metrics of one process. Families are identified by name; a family has one type and one help
// text, and one series per distinct label set. Thread-safe: metrics may be added while others are
// updated and while the registry renders. Returned pointers live as long as the registry.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The series of family `name` with `labels`, created on first use. Later calls with the same
  // name and labels return the same object. A name used with another type, or a name or label
  // name that is not a valid Prometheus name, is a bug (checked). Histograms of one family must
  // use the same bounds (the first call's win).
  Counter* GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge* GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram* GetHistogram(std::string_view name,
                          std::string_view help,
                          const std::vector<double>& upper_bounds,
                          const Labels& labels = {});

  // A counter or gauge series whose value `read` computes at render time (e.g. from a component's
  // stats()). `read` runs on the rendering thread, without the registry's lock held, and must be
  // thread-safe; whatever it reads must outlive the registry or be removed first.
  void AddCallbackCounter(std::string_view name,
                          std::string_view help,
                          const Labels& labels,
                          std::function<double()> read);
  void AddCallbackGauge(std::string_view name,
                        std::string_view help,
                        const Labels& labels,
                        std::function<double()> read);

  // Every family in name order, each with its # HELP and # TYPE lines, its series in the order
  // they were added; the text format 0.0.4.
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> read;
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<std::unique_ptr<Series>> series;
  };

  // The series of `name` and `labels`, added when absent. REQUIRES: mu_ held.
  Series* FindOrAddLocked(
      std::string_view name, std::string_view help, Type type, const Labels& labels, bool* added);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // guarded by mu_
};

// Prometheus text format helpers (exposed for tests).
// A sample value: integers without a fraction, "+Inf", "-Inf", "NaN", else the shortest
// round-trip form.
std::string FormatSampleValue(double value);
// A label value with backslash, double quote and line feed escaped.
std::string EscapeLabelValue(std::string_view value);
// A help text with backslash and line feed escaped.
std::string EscapeHelp(std::string_view help);
// True when `name` matches [a-zA-Z_:][a-zA-Z0-9_:]* (metric names; label names also exclude ':').
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

}  // namespace strata::metrics
