// Metric types and the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
#include "common/metrics.h"

#include <bit>
#include <cmath>
#include <limits>

#include "common/check.h"
#include "fmt/format.h"

namespace strata::metrics {
namespace {

void AddToDoubleBits(std::atomic<uint64_t>* bits, double delta) {
  uint64_t old_bits = bits->load(std::memory_order_relaxed);
  while (
      !bits->compare_exchange_weak(old_bits,
                                   std::bit_cast<uint64_t>(std::bit_cast<double>(old_bits) + delta),
                                   std::memory_order_relaxed)) {
  }
}

std::string RenderLabels(const Labels& labels, const std::pair<std::string, std::string>* extra) {
  if (labels.empty() && extra == nullptr) {
    return "";
  }
  std::string out = "{";
  bool first = true;
  auto append = [&](const std::pair<std::string, std::string>& label) {
    if (!first) {
      out += ',';
    }
    first = false;
    out += label.first;
    out += "=\"";
    out += EscapeLabelValue(label.second);
    out += '"';
  };
  for (const auto& label : labels) {
    append(label);
  }
  if (extra != nullptr) {
    append(*extra);
  }
  out += '}';
  return out;
}

}  // namespace

void Gauge::Add(double delta) {
  AddToDoubleBits(&bits_, delta);
}

uint64_t Gauge::ToBits(double value) {
  return std::bit_cast<uint64_t>(value);
}

double Gauge::FromBits(uint64_t bits) {
  return std::bit_cast<double>(bits);
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[upper_bounds_.size() + 1]) {
  for (size_t i = 0; i < upper_bounds_.size(); ++i) {
    STRATA_CHECK(std::isfinite(upper_bounds_[i]));
    if (i > 0) {
      STRATA_CHECK_LT(upper_bounds_[i - 1], upper_bounds_[i]);
    }
  }
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    buckets_[i].store(0, std::memory_order_relaxed);
  }
}

void Histogram::Observe(double value) {
  // The first bucket whose bound is >= value (Prometheus buckets are "less than or equal").
  size_t lo = 0;
  size_t hi = upper_bounds_.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (upper_bounds_[mid] < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  buckets_[lo].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  AddToDoubleBits(&sum_bits_, value);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(upper_bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

double Histogram::sum() const {
  return std::bit_cast<double>(sum_bits_.load(std::memory_order_relaxed));
}

std::vector<double> LatencyBucketsSeconds() {
  return {0.0001,
          0.00025,
          0.0005,
          0.001,
          0.0025,
          0.005,
          0.01,
          0.025,
          0.05,
          0.1,
          0.25,
          0.5,
          1,
          2.5,
          5,
          10,
          30,
          60};
}

Registry::Series* Registry::FindOrAddLocked(
    std::string_view name, std::string_view help, Type type, const Labels& labels, bool* added) {
  STRATA_CHECK(IsValidMetricName(name));
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}}).first;
  }
  Family& family = it->second;
  STRATA_CHECK(family.type == type);
  for (const auto& series : family.series) {
    if (series->labels == labels) {
      *added = false;
      return series.get();
    }
  }
  for (const auto& [label, value] : labels) {
    STRATA_CHECK(IsValidLabelName(label));
    // "le" is the histogram bucket label, "quantile" the summary's.
    STRATA_CHECK(label != "le" && label != "quantile");
  }
  family.series.push_back(std::make_unique<Series>());
  family.series.back()->labels = labels;
  *added = true;
  return family.series.back().get();
}

Counter* Registry::GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  bool added = false;
  Series* series = FindOrAddLocked(name, help, Type::kCounter, labels, &added);
  if (added) {
    series->counter = std::make_unique<Counter>();
  }
  STRATA_CHECK(series->counter != nullptr);  // not a callback series
  return series->counter.get();
}

Gauge* Registry::GetGauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  bool added = false;
  Series* series = FindOrAddLocked(name, help, Type::kGauge, labels, &added);
  if (added) {
    series->gauge = std::make_unique<Gauge>();
  }
  STRATA_CHECK(series->gauge != nullptr);
  return series->gauge.get();
}

Histogram* Registry::GetHistogram(std::string_view name,
                                  std::string_view help,
                                  const std::vector<double>& upper_bounds,
                                  const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  bool added = false;
  Series* series = FindOrAddLocked(name, help, Type::kHistogram, labels, &added);
  if (added) {
    const Family& family = families_.find(name)->second;
    // Every series of a family has the same buckets.
    series->histogram = std::make_unique<Histogram>(
        family.series.size() > 1 ? family.series.front()->histogram->upper_bounds() : upper_bounds);
  }
  return series->histogram.get();
}

void Registry::AddCallbackCounter(std::string_view name,
                                  std::string_view help,
                                  const Labels& labels,
                                  std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  bool added = false;
  Series* series = FindOrAddLocked(name, help, Type::kCounter, labels, &added);
  STRATA_CHECK(added);  // a callback series is registered once
  series->read = std::move(read);
}

void Registry::AddCallbackGauge(std::string_view name,
                                std::string_view help,
                                const Labels& labels,
                                std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  bool added = false;
  Series* series = FindOrAddLocked(name, help, Type::kGauge, labels, &added);
  STRATA_CHECK(added);
  series->read = std::move(read);
}

std::string Registry::Render() const {
  // Series are never removed, so their addresses stay valid after the lock is released; the
  // callbacks then run without it (they may take their components' locks).
  struct FamilyView {
    std::string name;
    Type type;
    std::string help;
    std::vector<const Series*> series;
  };
  std::vector<FamilyView> families;
  {
    std::lock_guard<std::mutex> lock(mu_);
    families.reserve(families_.size());
    for (const auto& [name, family] : families_) {
      FamilyView view{name, family.type, family.help, {}};
      for (const auto& series : family.series) {
        view.series.push_back(series.get());
      }
      families.push_back(std::move(view));
    }
  }
  std::string out;
  for (const FamilyView& family : families) {
    const char* type = family.type == Type::kCounter ? "counter"
                       : family.type == Type::kGauge ? "gauge"
                                                     : "histogram";
    out += fmt::format(
        "# HELP {} {}\n# TYPE {} {}\n", family.name, EscapeHelp(family.help), family.name, type);
    for (const Series* series : family.series) {
      if (series->histogram != nullptr) {
        const Histogram& histogram = *series->histogram;
        std::vector<uint64_t> counts = histogram.CumulativeCounts();
        for (size_t i = 0; i < counts.size(); ++i) {
          std::pair<std::string, std::string> le{
              "le",
              i < histogram.upper_bounds().size() ? FormatSampleValue(histogram.upper_bounds()[i])
                                                  : "+Inf"};
          out += fmt::format(
              "{}_bucket{} {}\n", family.name, RenderLabels(series->labels, &le), counts[i]);
        }
        const std::string labels = RenderLabels(series->labels, nullptr);
        out +=
            fmt::format("{}_sum{} {}\n", family.name, labels, FormatSampleValue(histogram.sum()));
        // The +Inf bucket, read above, is the count: the two agree even while observations race.
        out += fmt::format("{}_count{} {}\n", family.name, labels, counts.back());
        continue;
      }
      const double value = series->read      ? series->read()
                           : series->counter ? static_cast<double>(series->counter->value())
                                             : series->gauge->value();
      out += fmt::format("{}{} {}\n",
                         family.name,
                         RenderLabels(series->labels, nullptr),
                         FormatSampleValue(value));
    }
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  // Integral values up to 2^53 print exactly, without an exponent.
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    return fmt::format("{}", static_cast<int64_t>(value));
  }
  return fmt::format("{}", value);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
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
      out += c;
    }
  }
  return out;
}

namespace {

bool IsNameChar(char c, bool first, bool colon) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return letter || (colon && c == ':') || (!first && c >= '0' && c <= '9');
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0, /*colon=*/true)) {
      return false;
    }
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || name.starts_with("__")) {
    return false;
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0, /*colon=*/false)) {
      return false;
    }
  }
  return true;
}

}  // namespace strata::metrics
