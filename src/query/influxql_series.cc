#include "query/influxql_series.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/civil_time.h"
#include "influxql/duration.h"

namespace strata::query::influxql_select {
namespace {

using influxql::BinaryOperator;
using influxql::ResultTime;
using influxql::ResultValue;
using Row = std::vector<ResultValue>;

bool IsNull(const ResultValue& value) {
  return IsNullValue(value);
}

// A value's position in a row of its window: the row's time, the value, and the row (for the
// selected point's other fields).
struct Entry {
  int64_t time;
  const ResultValue* value;
  const RawRow* row;
};

Point MakePoint(int64_t time, ResultValue value, const RawRow* row, bool with_aux) {
  Point point;
  point.time = time;
  point.value = std::move(value);
  if (with_aux && row != nullptr) {
    point.aux = row->refs;
  }
  return point;
}

ResultValue Sum(const std::vector<Entry>& entries) {
  const ResultValue& first = *entries.front().value;
  if (std::holds_alternative<int64_t>(first)) {
    uint64_t sum = 0;  // wraps like Go's int64 addition
    for (const Entry& e : entries) {
      sum += static_cast<uint64_t>(std::get<int64_t>(*e.value));
    }
    return static_cast<int64_t>(sum);
  }
  if (std::holds_alternative<uint64_t>(first)) {
    uint64_t sum = 0;
    for (const Entry& e : entries) {
      sum += std::get<uint64_t>(*e.value);
    }
    return sum;
  }
  double sum = 0;
  for (const Entry& e : entries) {
    sum += AsDouble(*e.value).value_or(0);
  }
  return sum;
}

std::optional<ResultValue> Spread(const std::vector<Entry>& entries) {
  const ResultValue* min = entries.front().value;
  const ResultValue* max = min;
  for (const Entry& e : entries) {
    if (CompareValues(*e.value, *min) < 0) {
      min = e.value;
    }
    if (CompareValues(*e.value, *max) > 0) {
      max = e.value;
    }
  }
  if (const auto* hi = std::get_if<int64_t>(max)) {
    return static_cast<int64_t>(static_cast<uint64_t>(*hi) -
                                static_cast<uint64_t>(std::get<int64_t>(*min)));
  }
  if (const auto* hi = std::get_if<uint64_t>(max)) {
    return *hi - std::get<uint64_t>(*min);
  }
  const std::optional<double> hi = AsDouble(*max);
  const std::optional<double> lo = AsDouble(*min);
  if (!hi.has_value() || !lo.has_value()) {
    return std::nullopt;
  }
  return *hi - *lo;
}

std::optional<ResultValue> Median(const std::vector<Entry>& entries) {
  std::vector<ResultValue> values;
  values.reserve(entries.size());
  for (const Entry& e : entries) {
    values.push_back(*e.value);
  }
  std::sort(values.begin(), values.end(), [](const ResultValue& a, const ResultValue& b) {
    return CompareValues(a, b) < 0;
  });
  const size_t n = values.size();
  if (n % 2 == 1) {
    return AsDouble(values[n / 2]);
  }
  const ResultValue& lo = values[n / 2 - 1];
  const ResultValue& hi = values[n / 2];
  if (const auto* l = std::get_if<int64_t>(&lo)) {
    const int64_t h = std::get<int64_t>(hi);
    return static_cast<double>(*l) + static_cast<double>(static_cast<int64_t>(
                                         static_cast<uint64_t>(h) - static_cast<uint64_t>(*l))) /
                                         2;
  }
  if (const auto* l = std::get_if<uint64_t>(&lo)) {
    return static_cast<double>(*l) + static_cast<double>(std::get<uint64_t>(hi) - *l) / 2;
  }
  const double l = AsDouble(lo).value_or(0);
  const double h = AsDouble(hi).value_or(0);
  return l + (h - l) / 2;
}

ResultValue Mode(const std::vector<Entry>& entries) {
  struct Count {
    int64_t count = 0;
    int64_t first_time = 0;
    const ResultValue* value = nullptr;
  };
  std::vector<Count> counts;
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return CompareValues(*entries[a].value, *entries[b].value) < 0;
  });
  for (size_t i : order) {
    if (counts.empty() || CompareValues(*counts.back().value, *entries[i].value) != 0) {
      counts.push_back(Count{0, entries[i].time, entries[i].value});
    }
    ++counts.back().count;
  }
  const Count* best = &counts.front();
  for (const Count& c : counts) {
    if (c.count > best->count || (c.count == best->count && c.first_time < best->first_time)) {
      best = &c;
    }
  }
  return *best->value;
}

std::optional<ResultValue> Stddev(const std::vector<Entry>& entries) {
  if (entries.size() < 2) {
    return std::nullopt;
  }
  double mean = 0;
  int64_t count = 0;
  for (const Entry& e : entries) {
    ++count;
    mean += (AsDouble(*e.value).value_or(0) - mean) / static_cast<double>(count);
  }
  double variance = 0;
  for (const Entry& e : entries) {
    const double d = AsDouble(*e.value).value_or(0) - mean;
    variance += d * d;
  }
  return std::sqrt(variance / static_cast<double>(count - 1));
}

// The window of a row: its start, or `fixed` without GROUP BY time().
struct WindowKey {
  const Windows* windows;  // null: no GROUP BY time()
  int64_t fixed;
  int64_t Of(int64_t t) const { return windows != nullptr ? windows->Start(t) : fixed; }
};

// Top or bottom: the `n` largest (smallest) values, at most one per value of the tag refs,
// returned in time order.
std::vector<Point> TopBottom(const StreamSpec& spec,
                             const std::vector<Entry>& entries,
                             bool with_aux) {
  const bool top = spec.function == Function::kTop;
  auto better = [top](const Entry& a, const Entry& b) {
    const int c = CompareValues(*a.value, *b.value);
    if (c != 0) {
      return top ? c > 0 : c < 0;
    }
    return a.time < b.time;
  };
  std::vector<Entry> candidates;
  if (spec.tag_refs.empty()) {
    candidates = entries;
  } else {
    std::map<std::vector<std::string>, Entry> best;
    for (const Entry& e : entries) {
      std::vector<std::string> key;
      for (int ref : spec.tag_refs) {
        const ResultValue& v = e.row->refs[ref];
        key.push_back(std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "");
      }
      auto [it, inserted] = best.emplace(std::move(key), e);
      if (!inserted && better(e, it->second)) {
        it->second = e;
      }
    }
    for (auto& [key, e] : best) {
      candidates.push_back(e);
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(), better);
  if (static_cast<int64_t>(candidates.size()) > spec.count) {
    candidates.resize(static_cast<size_t>(spec.count));
  }
  std::stable_sort(candidates.begin(), candidates.end(), [&](const Entry& a, const Entry& b) {
    if (a.time != b.time) {
      return a.time < b.time;
    }
    return better(a, b);
  });
  std::vector<Point> points;
  for (const Entry& e : candidates) {
    points.push_back(MakePoint(e.time, *e.value, e.row, with_aux));
  }
  return points;
}

// One window's points of an aggregate or selector. `window` is the window's start (the time of
// aggregates), `point_time` whether selectors keep their point's time.
std::vector<Point> Reduce(const StreamSpec& spec,
                          const std::vector<Entry>& entries,
                          int64_t window,
                          bool point_time,
                          bool with_aux,
                          std::mt19937_64* random) {
  std::vector<Point> points;
  auto selected = [&](const Entry& e) {
    points.push_back(MakePoint(point_time ? e.time : window, *e.value, e.row, with_aux));
  };
  switch (spec.function) {
    case Function::kCount:
      points.push_back(MakePoint(window, static_cast<int64_t>(entries.size()), nullptr, false));
      break;
    case Function::kCountDistinct: {
      std::vector<ResultValue> values;
      for (const Entry& e : entries) {
        values.push_back(*e.value);
      }
      std::sort(values.begin(), values.end(), [](const ResultValue& a, const ResultValue& b) {
        return CompareValues(a, b) < 0;
      });
      int64_t distinct = 0;
      for (size_t i = 0; i < values.size(); ++i) {
        if (i == 0 || CompareValues(values[i - 1], values[i]) != 0) {
          ++distinct;
        }
      }
      points.push_back(MakePoint(window, distinct, nullptr, false));
      break;
    }
    case Function::kSum:
      points.push_back(MakePoint(window, Sum(entries), nullptr, false));
      break;
    case Function::kMean: {
      double sum = 0;
      for (const Entry& e : entries) {
        sum += AsDouble(*e.value).value_or(0);
      }
      points.push_back(
          MakePoint(window, sum / static_cast<double>(entries.size()), nullptr, false));
      break;
    }
    case Function::kMedian:
      if (auto median = Median(entries)) {
        points.push_back(MakePoint(window, *median, nullptr, false));
      }
      break;
    case Function::kMode:
      points.push_back(MakePoint(window, Mode(entries), nullptr, false));
      break;
    case Function::kSpread:
      if (auto spread = Spread(entries)) {
        points.push_back(MakePoint(window, *spread, nullptr, false));
      }
      break;
    case Function::kStddev:
      if (auto stddev = Stddev(entries)) {
        points.push_back(MakePoint(window, *stddev, nullptr, false));
      }
      break;
    case Function::kMin:
    case Function::kMax: {
      const bool want_max = spec.function == Function::kMax;
      const Entry* best = &entries.front();
      for (const Entry& e : entries) {
        const int c = CompareValues(*e.value, *best->value);
        if (want_max ? c > 0 : c < 0) {
          best = &e;
        }
      }
      selected(*best);
      break;
    }
    case Function::kFirst:
      selected(entries.front());
      break;
    case Function::kLast:
      selected(entries.back());
      break;
    case Function::kPercentile: {
      const auto n = static_cast<int64_t>(entries.size());
      // Nearest rank; out of [1, n] (or not a number) there is no point.
      const double rank = std::floor(static_cast<double>(n) * spec.percentile / 100.0 + 0.5);
      if (!(rank >= 1 && rank <= static_cast<double>(n))) {
        break;
      }
      const auto i = static_cast<int64_t>(rank) - 1;
      std::vector<Entry> sorted = entries;
      std::stable_sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
        return CompareValues(*a.value, *b.value) < 0;
      });
      selected(sorted[static_cast<size_t>(i)]);
      break;
    }
    case Function::kSample: {
      std::vector<Entry> sample;
      for (size_t i = 0; i < entries.size(); ++i) {
        if (static_cast<int64_t>(sample.size()) < spec.count) {
          sample.push_back(entries[i]);
        } else {
          std::uniform_int_distribution<size_t> pick(0, i);
          const size_t j = pick(*random);
          if (j < sample.size()) {
            sample[j] = entries[i];
          }
        }
      }
      std::stable_sort(sample.begin(), sample.end(), [](const Entry& a, const Entry& b) {
        return a.time < b.time;
      });
      for (const Entry& e : sample) {
        points.push_back(MakePoint(e.time, *e.value, e.row, with_aux));
      }
      break;
    }
    case Function::kTop:
    case Function::kBottom:
      points = TopBottom(spec, entries, with_aux);
      break;
    case Function::kDistinct: {
      std::vector<const Entry*> firsts;
      for (const Entry& e : entries) {
        bool seen = false;
        for (const Entry* f : firsts) {
          if (f->value->index() == e.value->index() && CompareValues(*f->value, *e.value) == 0) {
            seen = true;
            break;
          }
        }
        if (!seen) {
          firsts.push_back(&e);
        }
      }
      std::stable_sort(firsts.begin(), firsts.end(), [](const Entry* a, const Entry* b) {
        if (a->time != b->time) {
          return a->time < b->time;
        }
        return CompareValues(*a->value, *b->value) < 0;
      });
      for (const Entry* e : firsts) {
        points.push_back(MakePoint(window, *e->value, nullptr, false));
      }
      break;
    }
    default:
      break;
  }
  return points;
}

// integral() over a series, the trapezium rule with the area split at window boundaries by
// linear interpolation (InfluxDB's FloatIntegralReducer).
Stream Integral(const StreamSpec& spec,
                const std::vector<Entry>& entries,
                const Windows* windows,
                int64_t fixed_window) {
  Stream out;
  if (entries.empty()) {
    return out;
  }
  const double unit = static_cast<double>(spec.unit);
  double sum = 0;
  int64_t prev_time = entries.front().time;
  double prev_value = AsDouble(*entries.front().value).value_or(0);
  int64_t window = windows != nullptr ? windows->Start(prev_time) : fixed_window;
  int64_t window_end = windows != nullptr ? windows->Step(window, true) : kMaxTime;
  for (size_t i = 1; i < entries.size(); ++i) {
    const int64_t t = entries[i].time;
    const double v = AsDouble(*entries[i].value).value_or(0);
    if (t == prev_time) {
      prev_value = v;
      continue;
    }
    if (windows != nullptr && t >= window_end) {
      if (prev_time != window_end) {
        const double value = prev_value + (v - prev_value) *
                                              static_cast<double>(window_end - prev_time) /
                                              static_cast<double>(t - prev_time);
        sum += 0.5 * (value + prev_value) * static_cast<double>(window_end - prev_time) / unit;
        prev_value = value;
        prev_time = window_end;
      }
      out.push_back(Point{window, sum, {}});
      window = windows->Start(t);
      window_end = windows->Step(window, true);
      sum = 0;
    }
    sum += 0.5 * (v + prev_value) * static_cast<double>(t - prev_time) / unit;
    prev_time = t;
    prev_value = v;
  }
  out.push_back(Point{window, sum, {}});
  return out;
}

// The points of a function over the rows of one series (ascending time).
Stream ComputeStream(const CompiledSelect& select,
                     size_t index,
                     const std::vector<RawRow>& rows,
                     const Windows* windows,
                     std::mt19937_64* random) {
  const StreamSpec& spec = select.streams[index];
  Stream out;
  if (spec.function == Function::kRaw) {
    for (const RawRow& row : rows) {
      if (!IsNull(row.refs[spec.ref])) {
        out.push_back(Point{row.time, row.refs[spec.ref], {}});
      }
    }
    return out;
  }
  const int64_t fixed = select.range.has_min() ? select.range.min : 0;
  std::vector<Entry> entries;
  if (spec.function == Function::kIntegral) {
    for (const RawRow& row : rows) {
      if (AsDouble(row.refs[spec.ref]).has_value()) {
        entries.push_back(Entry{row.time, &row.refs[spec.ref], &row});
      }
    }
    return Integral(spec, entries, windows, fixed);
  }
  // Selectors keep their point's time when they are the only function and there is no GROUP BY
  // time(); top, bottom and sample always do.
  const bool lone_selector =
      windows == nullptr && select.streams.size() == 1 && IsSelector(spec.function);
  const bool point_time = lone_selector || spec.function == Function::kTop ||
                          spec.function == Function::kBottom || spec.function == Function::kSample;
  const bool with_aux = select.mode == QueryMode::kSelector;
  const WindowKey key{windows, fixed};
  size_t i = 0;
  while (i < rows.size()) {
    const int64_t window = key.Of(rows[i].time);
    entries.clear();
    for (; i < rows.size() && key.Of(rows[i].time) == window; ++i) {
      const ResultValue& value = rows[i].refs[spec.ref];
      if (!IsNull(value)) {
        entries.push_back(Entry{rows[i].time, &value, &rows[i]});
      }
    }
    if (entries.empty()) {
      continue;
    }
    for (Point& point : Reduce(spec, entries, window, point_time, with_aux, random)) {
      out.push_back(std::move(point));
    }
  }
  return out;
}

bool IsFillable(Function function) {
  switch (function) {
    case Function::kCount:
    case Function::kCountDistinct:
    case Function::kSum:
    case Function::kMean:
    case Function::kMedian:
    case Function::kMode:
    case Function::kSpread:
    case Function::kStddev:
    case Function::kMin:
    case Function::kMax:
    case Function::kFirst:
    case Function::kLast:
    case Function::kPercentile:
      return true;
    default:
      return false;
  }
}

// The value fill(<number>) puts in a stream whose values are like `like`.
ResultValue NumberFill(const std::variant<int64_t, double>& fill, const ResultValue* like) {
  const double as_double = std::holds_alternative<int64_t>(fill)
                               ? static_cast<double>(std::get<int64_t>(fill))
                               : std::get<double>(fill);
  if (like != nullptr) {
    if (std::holds_alternative<double>(*like)) {
      return as_double;
    }
    if (std::holds_alternative<int64_t>(*like)) {
      return std::holds_alternative<int64_t>(fill) ? std::get<int64_t>(fill)
                                                   : static_cast<int64_t>(as_double);
    }
    if (std::holds_alternative<uint64_t>(*like)) {
      return static_cast<uint64_t>(std::holds_alternative<int64_t>(fill) ? std::get<int64_t>(fill)
                                                                         : as_double);
    }
  }
  if (std::holds_alternative<int64_t>(fill)) {
    return std::get<int64_t>(fill);
  }
  return as_double;
}

ResultValue Interpolate(
    int64_t t, int64_t t0, const ResultValue& v0, int64_t t1, const ResultValue& v1) {
  const double span = static_cast<double>(t1 - t0);
  const double x = static_cast<double>(t - t0);
  if (std::holds_alternative<int64_t>(v0) && std::holds_alternative<int64_t>(v1)) {
    const int64_t y0 = std::get<int64_t>(v0);
    const int64_t y1 = std::get<int64_t>(v1);
    const double m = static_cast<double>(y1 - y0) / span;
    return static_cast<int64_t>(m * x) + y0;
  }
  if (std::holds_alternative<uint64_t>(v0) && std::holds_alternative<uint64_t>(v1)) {
    const double y0 = static_cast<double>(std::get<uint64_t>(v0));
    const double y1 = static_cast<double>(std::get<uint64_t>(v1));
    return static_cast<uint64_t>((y1 - y0) / span * x + y0);
  }
  const std::optional<double> y0 = AsDouble(v0);
  const std::optional<double> y1 = AsDouble(v1);
  if (!y0.has_value() || !y1.has_value()) {
    return std::monostate{};
  }
  return (*y1 - *y0) / span * x + *y0;
}

// Fills the empty windows of `stream` (points at window starts, in output order) from `first` to
// `last` (window starts, in output order).
absl::StatusOr<Stream> Fill(const CompiledSelect& select,
                            const StreamSpec& spec,
                            const Windows& windows,
                            Stream stream,
                            int64_t first,
                            int64_t last,
                            ProcessBudget* budget) {
  const bool forward = select.ascending;
  const int64_t count = CountWindows(windows, forward ? first : last, forward ? last : first);
  if (count > budget->fill_rows) {
    return absl::InvalidArgumentError(
        absl::StrCat("GROUP BY time(",
                     influxql::FormatDuration(windows.interval()),
                     ") from ",
                     FormatIso8601(forward ? first : last, SecondFraction::kTrimmed),
                     "Z to ",
                     FormatIso8601(forward ? last : first, SecondFraction::kTrimmed),
                     "Z makes ",
                     count,
                     " intervals, more than the ",
                     budget->fill_rows,
                     " fill() may add to a query; narrow the time range or use a larger interval"));
  }
  budget->fill_rows -= count;
  const ResultValue* like = nullptr;
  for (const Point& point : stream) {
    if (!IsNull(point.value)) {
      like = &point.value;
      break;
    }
  }
  const bool is_count =
      spec.function == Function::kCount || spec.function == Function::kCountDistinct;
  Stream out;
  out.reserve(static_cast<size_t>(count) + stream.size());
  auto before = [forward](int64_t a, int64_t b) { return forward ? a < b : a > b; };
  const Point* prev = nullptr;  // the last point of the input emitted
  size_t next = 0;
  int64_t window = first;
  bool windows_left = !before(last, first);
  while (next < stream.size() || windows_left) {
    if (next < stream.size() && (!windows_left || !before(window, stream[next].time))) {
      if (windows_left && stream[next].time == window) {
        windows_left = window != last;
        if (windows_left) {
          window = windows.Step(window, forward);
          windows_left = !before(last, window);
        }
      }
      out.push_back(stream[next]);
      prev = &stream[next];
      ++next;
      continue;
    }
    Point filled;
    filled.time = window;
    switch (select.fill) {
      case influxql::FillMode::kNull:
        if (is_count) {
          filled.value = int64_t{0};
        }
        break;
      case influxql::FillMode::kValue:
        filled.value = NumberFill(select.fill_value, like);
        break;
      case influxql::FillMode::kPrevious:
        if (prev != nullptr) {
          filled.value = prev->value;
        }
        break;
      case influxql::FillMode::kLinear:
        if (prev != nullptr && next < stream.size() && !IsNull(prev->value) &&
            !IsNull(stream[next].value)) {
          filled.value =
              Interpolate(window, prev->time, prev->value, stream[next].time, stream[next].value);
        }
        break;
      case influxql::FillMode::kNone:
        break;
    }
    out.push_back(std::move(filled));
    if (window == last) {
      windows_left = false;
    } else {
      window = windows.Step(window, forward);
      windows_left = !before(last, window);
    }
  }
  return out;
}

ResultValue Subtract(const ResultValue& a, const ResultValue& b) {
  return EvalBinary(BinaryOperator::kSubtract, a, b);
}

Stream Transform(const StreamSpec& spec, const Stream& input, bool ascending) {
  Stream out;
  const Point* prev = nullptr;
  switch (spec.function) {
    case Function::kDerivative:
    case Function::kNonNegativeDerivative:
    case Function::kDifference:
    case Function::kNonNegativeDifference: {
      const bool derivative = spec.function == Function::kDerivative ||
                              spec.function == Function::kNonNegativeDerivative;
      const bool non_negative = spec.function == Function::kNonNegativeDerivative ||
                                spec.function == Function::kNonNegativeDifference;
      for (const Point& point : input) {
        if (IsNull(point.value) || !AsDouble(point.value).has_value()) {
          continue;
        }
        if (prev != nullptr && prev->time == point.time) {
          continue;  // a point that does not advance the stream
        }
        if (prev == nullptr) {
          prev = &point;
          continue;
        }
        const double diff = *AsDouble(point.value) - *AsDouble(prev->value);
        ResultValue value;
        if (derivative) {
          int64_t elapsed = point.time - prev->time;
          if (!ascending) {
            elapsed = -elapsed;
          }
          value = diff / (static_cast<double>(elapsed) / static_cast<double>(spec.unit));
        } else if (std::holds_alternative<uint64_t>(point.value) &&
                   std::holds_alternative<uint64_t>(prev->value)) {
          value = std::get<uint64_t>(point.value) - std::get<uint64_t>(prev->value);
        } else {
          value = Subtract(point.value, prev->value);
        }
        prev = &point;
        if (non_negative && diff < 0) {
          continue;
        }
        out.push_back(Point{point.time, std::move(value), {}});
      }
      break;
    }
    case Function::kMovingAverage: {
      std::vector<double> window;
      size_t position = 0;
      double sum = 0;
      const auto n = static_cast<size_t>(spec.count);
      for (const Point& point : input) {
        const std::optional<double> v = AsDouble(point.value);
        if (!v.has_value()) {
          continue;
        }
        if (window.size() < n) {
          window.push_back(*v);
          sum += *v;
        } else {
          sum += *v - window[position];
          window[position] = *v;
          position = (position + 1) % n;
        }
        if (window.size() == n) {
          // A running sum, as InfluxDB keeps it.
          out.push_back(Point{point.time, sum / static_cast<double>(n), {}});
        }
      }
      break;
    }
    case Function::kCumulativeSum: {
      ResultValue sum;
      for (const Point& point : input) {
        if (!AsDouble(point.value).has_value()) {
          continue;
        }
        sum = IsNull(sum) ? point.value : EvalBinary(BinaryOperator::kAdd, sum, point.value);
        out.push_back(Point{point.time, sum, {}});
      }
      break;
    }
    case Function::kElapsed:
      for (const Point& point : input) {
        if (IsNull(point.value)) {
          continue;
        }
        if (prev != nullptr) {
          out.push_back(Point{point.time, (point.time - prev->time) / spec.unit, {}});
        }
        prev = &point;
      }
      break;
    default:
      break;
  }
  return out;
}

// The values a field expression reads at one row.
struct RowValues {
  const std::vector<ResultValue>* refs = nullptr;  // raw rows and selectors' points
  const std::vector<const ResultValue*>* streams = nullptr;
};

ResultValue Eval(const FieldNode& node, const RowValues& row) {
  static const ResultValue kNull;
  switch (node.kind) {
    case FieldNode::Kind::kLiteral:
      return node.literal;
    case FieldNode::Kind::kRef:
      if (row.refs == nullptr || node.index >= static_cast<int>(row.refs->size())) {
        return kNull;
      }
      return (*row.refs)[node.index];
    case FieldNode::Kind::kStream: {
      if (row.streams == nullptr) {
        return kNull;
      }
      const ResultValue* value = (*row.streams)[node.index];
      return value != nullptr ? *value : kNull;
    }
    case FieldNode::Kind::kBinary:
      return EvalBinary(node.op, Eval(node.children[0], row), Eval(node.children[1], row));
    case FieldNode::Kind::kFunction: {
      std::vector<ResultValue> args;
      args.reserve(node.children.size());
      for (const FieldNode& child : node.children) {
        args.push_back(Eval(child, row));
      }
      return EvalMath(node.function, args);
    }
  }
  return kNull;
}

void CollectStreams(const FieldNode& node, std::vector<bool>* used) {
  if (node.kind == FieldNode::Kind::kStream) {
    (*used)[node.index] = true;
  }
  for (const FieldNode& child : node.children) {
    CollectStreams(child, used);
  }
}

void ApplyLimit(const CompiledSelect& select, std::vector<Row>* rows) {
  if (select.offset_rows > 0) {
    const size_t drop = std::min(rows->size(), static_cast<size_t>(select.offset_rows));
    rows->erase(rows->begin(), rows->begin() + static_cast<std::ptrdiff_t>(drop));
  }
  if (select.limit > 0 && rows->size() > static_cast<size_t>(select.limit)) {
    rows->resize(static_cast<size_t>(select.limit));
  }
}

// The time of a result row; under tz() with the zone's offset in force at that instant, which
// the v1 API writes.
ResultTime RowTime(const CompiledSelect& select, int64_t time) {
  ResultTime result_time{time};
  if (select.zone.has_value()) {
    result_time.utc_offset_seconds = select.zone->At(absl::FromUnixNanos(time)).offset;
  }
  return result_time;
}

Row MakeRow(const CompiledSelect& select, int64_t time, const RowValues& values) {
  Row row;
  row.reserve(select.fields.size() + 1);
  row.push_back(RowTime(select, time));
  for (const OutputField& field : select.fields) {
    row.push_back(Eval(field.expr, values));
  }
  return row;
}

}  // namespace

bool FieldsAreTheRefs(const CompiledSelect& select) {
  if (select.mode != QueryMode::kRaw || select.fields.size() != select.refs.size()) {
    return false;
  }
  for (size_t f = 0; f < select.fields.size(); ++f) {
    if (select.fields[f].expr.kind != FieldNode::Kind::kRef ||
        select.fields[f].expr.index != static_cast<int>(f)) {
      return false;
    }
  }
  return true;
}

int64_t Windows::ZoneOffset(int64_t t) const {
  if (zone_ == nullptr) {
    return 0;
  }
  return static_cast<int64_t>(zone_->At(absl::FromUnixNanos(t)).offset) * kNanosPerSecond;
}

int64_t Windows::Start(int64_t t) const {
  int64_t shifted = 0;
  if (__builtin_sub_overflow(t, offset_, &shifted) || shifted < kMinTime) {
    shifted = kMinTime;
  }
  const int64_t zone = ZoneOffset(shifted);
  int64_t local = 0;
  if (__builtin_add_overflow(shifted, zone, &local)) {
    local = zone > 0 ? kMaxTime : kMinTime;
  }
  const int64_t dt = FloorMod(local, interval_);
  int64_t start = kMinTime + dt >= shifted ? kMinTime : shifted - dt;
  start = start > kMaxTime - offset_ ? kMaxTime : start + offset_;
  if (zone_ != nullptr) {
    const int64_t o = zone - ZoneOffset(start);
    if (o != 0 && (o < 0 ? -o : o) < interval_) {
      start += o;
    }
  }
  return start;
}

int64_t Windows::Step(int64_t start, bool forward) const {
  int64_t next = 0;
  if (forward ? __builtin_add_overflow(start, interval_, &next)
              : __builtin_sub_overflow(start, interval_, &next)) {
    return forward ? kMaxTime : kMinTime;
  }
  if (zone_ != nullptr) {
    const int64_t diff = ZoneOffset(start) - ZoneOffset(next - 1);
    if (diff != 0 && (diff < 0 ? -diff : diff) < interval_) {
      next += diff;
    }
  }
  return next;
}

int64_t CountWindows(const Windows& windows, int64_t min, int64_t max) {
  const int64_t first = windows.Start(min);
  const int64_t last = windows.Start(max);
  if (last < first) {
    return 0;
  }
  const __int128 count = (static_cast<__int128>(last) - first) / windows.interval() + 1;
  return count > INT64_MAX ? INT64_MAX : static_cast<int64_t>(count);
}

absl::StatusOr<std::vector<Row>> ProcessSeries(const CompiledSelect& select,
                                               SeriesInput input,
                                               ProcessBudget* budget) {
  std::vector<Row> rows;
  if (select.mode == QueryMode::kRaw) {
    // Raw rows come in the query's order; a LIMIT was already pushed into the SQL.
    const size_t begin =
        std::min(input.rows.size(), static_cast<size_t>(std::max<int64_t>(select.offset_rows, 0)));
    size_t end = input.rows.size();
    if (select.limit > 0) {
      end = std::min(end, begin + static_cast<size_t>(select.limit));
    }
    rows.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) {
      RawRow& raw = input.rows[i];
      RowValues values;
      values.refs = &raw.refs;
      rows.push_back(MakeRow(select, raw.time, values));
    }
    return rows;
  }

  std::optional<Windows> windows;
  if (select.interval != 0) {
    windows.emplace(
        select.interval, select.offset, select.zone.has_value() ? &*select.zone : nullptr);
  }
  const Windows* window_ptr = windows.has_value() ? &*windows : nullptr;
  const size_t count = select.streams.size();
  std::vector<Stream> streams(count);
  std::vector<bool> feeds_transform(count, false);
  for (const StreamSpec& spec : select.streams) {
    if (IsTransformation(spec.function)) {
      feeds_transform[spec.input] = true;
    }
  }
  // sample()'s draws; seeded once per thread (a random_device per series cost more than the
  // rest of a small series' processing).
  thread_local std::mt19937_64 random(std::random_device{}());
  for (size_t i = 0; i < count; ++i) {
    const StreamSpec& spec = select.streams[i];
    if (IsTransformation(spec.function)) {
      continue;
    }
    if (select.sql_aggregates) {
      if (i < input.streams.size()) {
        streams[i] = std::move(input.streams[i]);
        auto earlier = [](const Point& a, const Point& b) { return a.time < b.time; };
        if (!std::is_sorted(streams[i].begin(), streams[i].end(), earlier)) {
          std::stable_sort(streams[i].begin(), streams[i].end(), earlier);
        }
      }
    } else {
      streams[i] = ComputeStream(select, i, input.rows, window_ptr, &random);
    }
    // Points before the range (read for the transformations) belong to their inputs only.
    if (!feeds_transform[i] && select.read_range.min < select.range.min) {
      const int64_t first =
          window_ptr != nullptr ? window_ptr->Start(select.range.min) : select.range.min;
      std::erase_if(streams[i], [first](const Point& p) { return p.time < first; });
    }
    if (!feeds_transform[i] && select.read_range.max > select.range.max) {
      const int64_t last =
          window_ptr != nullptr ? window_ptr->Start(select.range.max) : select.range.max;
      std::erase_if(streams[i], [last](const Point& p) { return p.time > last; });
    }
    if (!select.ascending) {
      std::reverse(streams[i].begin(), streams[i].end());
    }
    if (window_ptr != nullptr && select.fill != influxql::FillMode::kNone &&
        IsFillable(spec.function) && !streams[i].empty()) {
      const TimeRange& range = feeds_transform[i] ? select.read_range : select.range;
      int64_t first = 0;
      int64_t last = 0;
      if (select.ascending) {
        first = range.has_min() ? window_ptr->Start(range.min) : streams[i].front().time;
        last = window_ptr->Start(range.max);
      } else {
        first = window_ptr->Start(range.max);
        last = range.has_min() ? window_ptr->Start(range.min) : streams[i].back().time;
      }
      auto filled = Fill(select, spec, *window_ptr, std::move(streams[i]), first, last, budget);
      if (!filled.ok()) {
        return filled.status();
      }
      streams[i] = *std::move(filled);
    }
  }
  // Transformations, inputs first (an input is always registered before its transformation).
  for (size_t i = 0; i < count; ++i) {
    const StreamSpec& spec = select.streams[i];
    if (IsTransformation(spec.function)) {
      streams[i] = Transform(spec, streams[spec.input], select.ascending);
    }
  }

  std::vector<bool> used(count, false);
  for (const OutputField& field : select.fields) {
    CollectStreams(field.expr, &used);
  }
  std::vector<const ResultValue*> current(count, nullptr);
  RowValues values;
  values.streams = &current;
  if (select.mode == QueryMode::kSelector || select.multi_point) {
    // The rows are the points of the query's one function.
    size_t driver = 0;
    while (driver < count && !used[driver]) {
      ++driver;
    }
    if (driver == count) {
      return rows;
    }
    for (const Point& point : streams[driver]) {
      current[driver] = &point.value;
      values.refs = &point.aux;
      rows.push_back(MakeRow(select, point.time, values));
    }
    ApplyLimit(select, &rows);
    return rows;
  }
  // One row per time any of the fields' streams has a point.
  std::vector<size_t> heads(count, 0);
  const bool forward = select.ascending;
  while (true) {
    std::optional<int64_t> time;
    for (size_t i = 0; i < count; ++i) {
      if (!used[i] || heads[i] >= streams[i].size()) {
        continue;
      }
      const int64_t t = streams[i][heads[i]].time;
      if (!time.has_value() || (forward ? t < *time : t > *time)) {
        time = t;
      }
    }
    if (!time.has_value()) {
      break;
    }
    for (size_t i = 0; i < count; ++i) {
      current[i] = nullptr;
      if (used[i] && heads[i] < streams[i].size() && streams[i][heads[i]].time == *time) {
        current[i] = &streams[i][heads[i]].value;
        ++heads[i];
      }
    }
    rows.push_back(MakeRow(select, *time, values));
    if (select.limit > 0 &&
        static_cast<int64_t>(rows.size()) - select.offset_rows >= select.limit) {
      break;
    }
  }
  ApplyLimit(select, &rows);
  return rows;
}

}  // namespace strata::query::influxql_select
