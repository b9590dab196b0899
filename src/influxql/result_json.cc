// The v1 encodings: a small JSON writer that lays out documents as Go's json.Marshal and
// json.MarshalIndent do, Go's float and string spellings, and encoding/csv's quoting.
#include "influxql/result_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <system_error>
#include <variant>

#include "absl/container/node_hash_map.h"
#include "columnar/string_dictionary.h"
#include "common/check.h"
#include "common/civil_time.h"
#include "common/utf8.h"
#include "fmt/format.h"
#include "format/byte_sink.h"
#include "format/encoded_dictionary.h"
#include "format/float_format.h"

namespace strata::influxql {
namespace {

// The shortest decimal digits that read back as a finite double, and where the decimal point
// goes: the value is 0.<digits> x 10^point (so point is the number of integer digits).
struct ShortestDecimal {
  bool negative = false;
  char buffer[24];  // the digits: no leading zeros, except "0" for zero (at most 17 of them)
  size_t length = 0;
  int point = 0;

  std::string_view digits() const { return std::string_view(buffer, length); }
};

ShortestDecimal Shortest(double value) {
  // std::to_chars in scientific notation gives the shortest round-trip digits, the same digits
  // Go's strconv picks (both are shortest, then closest): "d.ddde+XX".
  char buffer[64];
  auto [end, error] =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  STRATA_CHECK(error == std::errc());
  std::string_view text(buffer, static_cast<size_t>(end - buffer));
  ShortestDecimal decimal;
  if (!text.empty() && text.front() == '-') {
    decimal.negative = true;
    text.remove_prefix(1);
  }
  const size_t e = text.find('e');
  STRATA_CHECK(e != std::string_view::npos);
  for (char c : text.substr(0, e)) {
    if (c != '.') {
      STRATA_CHECK(decimal.length < sizeof(decimal.buffer));
      decimal.buffer[decimal.length++] = c;
    }
  }
  int exponent = 0;
  const std::string_view digits = text.substr(e + 1);
  const char* first = digits.data() + (!digits.empty() && digits.front() == '+' ? 1 : 0);
  STRATA_CHECK(std::from_chars(first, digits.data() + digits.size(), exponent).ec == std::errc());
  decimal.point = exponent + 1;
  return decimal;
}

// strconv's 'f' layout of the shortest digits.
void AppendPositional(const ShortestDecimal& decimal, std::string* out) {
  if (decimal.negative) {
    out->push_back('-');
  }
  const std::string_view digits = decimal.digits();
  const int length = static_cast<int>(digits.size());
  if (digits == "0") {
    out->push_back('0');
  } else if (decimal.point <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-decimal.point), '0');
    out->append(digits);
  } else if (decimal.point >= length) {
    out->append(digits);
    out->append(static_cast<size_t>(decimal.point - length), '0');
  } else {
    out->append(digits.substr(0, static_cast<size_t>(decimal.point)));
    out->push_back('.');
    out->append(digits.substr(static_cast<size_t>(decimal.point)));
  }
}

constexpr char kHex[] = "0123456789abcdef";

// A string as encoding/json writes it with HTML escaping on (json.Marshal's default).
// True for the characters encoding/json writes as they are (the rest are escaped or UTF-8).
constexpr bool IsPlainJsonChar(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
}

// Appends to a std::string or a format::ByteSink.
inline void Put(std::string* out, char c) {
  out->push_back(c);
}
inline void Put(std::string* out, std::string_view text) {
  out->append(text);
}
inline void Put(format::ByteSink* out, char c) {
  out->Append(c);
}
inline void Put(format::ByteSink* out, std::string_view text) {
  out->Append(text);
}

template <typename Out>
void AppendJsonString(std::string_view text, Out* out) {
  Put(out, '"');
  size_t i = 0;
  while (i < text.size()) {
    // Plain characters (nearly all of a tag value or name) are appended a run at a time.
    size_t run = i;
    while (run < text.size() && IsPlainJsonChar(static_cast<unsigned char>(text[run]))) {
      ++run;
    }
    if (run > i) {
      Put(out, text.substr(i, run - i));
      i = run;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          Put(out, "\\\"");
          break;
        case '\\':
          Put(out, "\\\\");
          break;
        case '\n':
          Put(out, "\\n");
          break;
        case '\r':
          Put(out, "\\r");
          break;
        case '\t':
          Put(out, "\\t");
          break;
        case '<':
        case '>':
        case '&':
          Put(out, "\\u00");
          Put(out, kHex[c >> 4]);
          Put(out, kHex[c & 0xF]);
          break;
        default:
          if (c < 0x20) {
            Put(out, "\\u00");
            Put(out, kHex[c >> 4]);
            Put(out, kHex[c & 0xF]);
          } else {
            Put(out, static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    uint32_t code_point = 0;
    const size_t length = DecodeUtf8(text, i, &code_point);
    if (length == 0) {
      Put(out, "\\ufffd");
      ++i;
      continue;
    }
    if (code_point == 0x2028 || code_point == 0x2029) {
      Put(out, code_point == 0x2028 ? "\\u2028" : "\\u2029");
    } else {
      Put(out, text.substr(i, length));
    }
    i += length;
  }
  Put(out, '"');
}

// Writes JSON laid out as json.Marshal (compact) or json.MarshalIndent(v, "", "    ") does: in
// the indented form each member and element is on its own line, "key": value has a space after
// the colon, and empty arrays and objects stay `[]` and `{}`.
class GoJsonWriter {
 public:
  GoJsonWriter(std::string* out, bool pretty) : out_(out), pretty_(pretty) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key) {
    BeforeItem();
    AppendJsonString(key, out_);
    out_->append(pretty_ ? ": " : ":");
    after_key_ = true;
  }
  void String(std::string_view value) {
    BeforeValue();
    AppendJsonString(value, out_);
  }
  void Int(int64_t value) {
    BeforeValue();
    AppendDecimal(value);
  }
  void UInt(uint64_t value) {
    BeforeValue();
    AppendDecimal(value);
  }
  void Float(double value) {
    BeforeValue();
    if (std::isfinite(value)) {
      AppendGoJsonFloat(value, out_);
    } else {
      out_->append("null");
    }
  }
  void Bool(bool value) {
    BeforeValue();
    out_->append(value ? "true" : "false");
  }
  void Null() {
    BeforeValue();
    out_->append("null");
  }
  // A value already encoded as compact JSON.
  void RawValue(std::string_view json) {
    STRATA_DCHECK(!pretty_);
    BeforeValue();
    out_->append(json);
  }
  // The newline after a document.
  void RawNewLine() { out_->push_back('\n'); }
  bool pretty() const { return pretty_; }
  // Writes to `out` from now on (the state of the open arrays and objects carries over).
  void set_out(std::string* out) { out_ = out; }
  // For elements of the open array written by the caller, compact, separated by commas: marks
  // the array as not empty (and writes the comma after earlier elements) and returns the output.
  std::string* RawElements() {
    STRATA_DCHECK(!pretty_);
    BeforeItem();
    return out_;
  }

 private:
  template <typename T>
  void AppendDecimal(T value) {
    char text[24];
    auto [end, error] = std::to_chars(text, text + sizeof(text), value);
    STRATA_CHECK(error == std::errc());
    out_->append(text, static_cast<size_t>(end - text));
  }
  void NewLine(size_t depth) {
    out_->push_back('\n');
    out_->append(depth * 4, ' ');
  }
  // Before a member's key, or an element of an array.
  void BeforeItem() {
    if (stack_.empty()) {
      return;
    }
    if (!stack_.back()) {
      out_->push_back(',');
    }
    stack_.back() = false;
    if (pretty_) {
      NewLine(stack_.size());
    }
  }
  void BeforeValue() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    BeforeItem();
  }
  void Open(char bracket) {
    BeforeValue();
    out_->push_back(bracket);
    stack_.push_back(true);
  }
  void Close(char bracket) {
    const bool empty = stack_.back();
    stack_.pop_back();
    if (pretty_ && !empty) {
      NewLine(stack_.size());
    }
    out_->push_back(bracket);
  }

  std::string* out_;
  const bool pretty_;
  std::vector<bool> stack_;  // per open array or object: still empty
  bool after_key_ = false;
};

void WriteValue(const ResultValue& value, EpochUnit epoch, GoJsonWriter* writer) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          writer->Null();
        } else if constexpr (std::is_same_v<T, double>) {
          writer->Float(v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          writer->Int(v);
        } else if constexpr (std::is_same_v<T, uint64_t>) {
          writer->UInt(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          writer->String(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          writer->Bool(v);
        } else {
          static_assert(std::is_same_v<T, ResultTime>);
          if (epoch == EpochUnit::kRfc3339) {
            writer->String(FormatRfc3339Nano(v.nanos, v.utc_offset_seconds));
          } else {
            writer->Int(TimeInUnit(v.nanos, epoch));
          }
        }
      },
      value);
}

// Compact JSON of columnar rows (`width` columns, time first) read from the engine's columns in
// place: `[time,value,...]` per row. A time equal to the previous row's, and each string of a
// dictionary, are encoded once for all the rows written through one instance (every series of a
// response: their rows share the engine's batches and dictionaries).
class CompactColumnarRows {
 public:
  explicit CompactColumnarRows(EpochUnit epoch) : epoch_(epoch) {}

  // Appends rows [begin, end) of `rows`, separated by commas.
  void Append(const ColumnarRows& rows, size_t width, size_t begin, size_t end, std::string* out) {
    format::ByteSink sink(out);
    if (rows.blocks.get() != current_blocks_ || width != block_encoded_.size()) {
      // (Series of one measurement share their blocks: the current block's encodings carry over.)
      current_blocks_ = rows.blocks.get();
      current_block_ = UINT64_MAX;
      block_encoded_.assign(width, nullptr);
    }
    for (size_t i = begin; i < end; ++i) {
      const uint64_t ref = rows.rows[i];
      const ColumnarRows::Block& block = (*rows.blocks)[ref >> 32];
      if (ref >> 32 != current_block_) {
        current_block_ = ref >> 32;
        for (size_t c = 1; c < width; ++c) {
          const Column& column = *block.columns[c];
          block_encoded_[c] = nullptr;
          if (column.type() == TypeId::kDictionary && column.dictionary() != nullptr) {
            // The map's value holds the dictionary, so its address is not reused meanwhile.
            block_encoded_[c] =
                &encoded_
                     .try_emplace(column.dictionary().get(), &AppendJsonString<format::ByteSink>)
                     .first->second;
          }
        }
      }
      const int64_t r = ColumnarRows::row_in_block(ref);
      const int64_t time = block.columns[0]->GetInt64(r);
      sink.Append(i > begin ? std::string_view(",[") : std::string_view("["));
      if (epoch_ == EpochUnit::kRfc3339) {
        const int32_t offset = rows.utc_offsets.empty() ? 0 : rows.utc_offsets[i];
        if (!has_time_ || time != last_time_ || offset != last_offset_) {
          time_json_.clear();
          AppendJsonString(FormatRfc3339Nano(time, offset), &time_json_);
          last_time_ = time;
          last_offset_ = offset;
          has_time_ = true;
        }
        sink.Append(time_json_);
      } else {
        char* p = sink.Reserve(kMaxNumber);
        sink.CommitTo(std::to_chars(p, p + kMaxNumber, TimeInUnit(time, epoch_)).ptr);
      }
      for (size_t c = 1; c < width; ++c) {
        AppendCell(*block.columns[c], r, block_encoded_[c], &sink);
      }
      sink.Append(']');
    }
  }

 private:
  static constexpr size_t kMaxNumber = 24;  // an int64 or uint64, with a comma
  static constexpr size_t kMaxCell = 1 + format::kMaxFloatLength;  // a comma and any number

  // `,value`: as CellOf reads it, in v1 JSON.
  void AppendCell(const Column& column,
                  int64_t r,
                  format::EncodedDictionary* dictionary,
                  format::ByteSink* sink) {
    if (column.IsNull(r)) {
      sink->Append(",null");
      return;
    }
    char* p = sink->Reserve(kMaxCell);
    *p++ = ',';
    switch (column.type()) {
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        sink->CommitTo(std::to_chars(p, p + kMaxNumber - 1, column.data<int64_t>()[r]).ptr);
        return;
      case TypeId::kUInt64:
        sink->CommitTo(std::to_chars(p, p + kMaxNumber - 1, column.data<uint64_t>()[r]).ptr);
        return;
      case TypeId::kBool:
        sink->CommitTo(p);
        sink->Append(column.data<uint8_t>()[r] != 0 ? std::string_view("true")
                                                    : std::string_view("false"));
        return;
      case TypeId::kFloat64: {
        const double value = column.data<double>()[r];
        if (!std::isfinite(value)) {
          sink->CommitTo(p);
          sink->Append("null");
          return;
        }
        sink->CommitTo(format::WriteFloat(value, format::FloatNotation::kGoJson, p));
        return;
      }
      case TypeId::kDictionary:
        sink->CommitTo(p);
        if (dictionary != nullptr) {
          sink->AppendPadded(dictionary->Get(column.dictionary(), column.GetDictionaryCode(r)));
        } else {
          AppendJsonString(column.GetString(r), sink);
        }
        return;
      case TypeId::kString:
        sink->CommitTo(p);
        AppendJsonString(column.GetString(r), sink);
        return;
      default:
        sink->CommitTo(p);
        sink->Append("null");  // as CellOf: a type InfluxQL has no value for
        return;
    }
  }

  const EpochUnit epoch_;
  // The encoded strings of each dictionary met, and per column those of the current block's
  // (node_hash_map: pointers to its values stay valid as it grows).
  absl::node_hash_map<const StringDictionary*, format::EncodedDictionary> encoded_;
  std::vector<format::EncodedDictionary*> block_encoded_;
  // The blocks and the block block_encoded_ is for. (Should freed blocks' address come back, a
  // stale entry costs only speed: EncodedDictionary::Get re-encodes for another dictionary, and a
  // null entry falls back to the column's strings.)
  const void* current_blocks_ = nullptr;
  uint64_t current_block_ = UINT64_MAX;
  std::string time_json_;
  int64_t last_time_ = 0;
  int32_t last_offset_ = 0;
  bool has_time_ = false;
};

// The compact JSON of a series' "columns" array, kept for the next series with the same columns
// (the series of a statement mostly have the same ones).
struct ColumnsJson {
  std::vector<std::string> columns;
  std::string json;
};

// The parts of a series' JSON: the head up to its "values" array opened (when it has rows), the
// rows in ranges, and the tail.
void WriteSeriesHead(const Series& series, ColumnsJson* columns_json, GoJsonWriter* writer) {
  writer->BeginObject();
  if (!series.name.empty()) {
    writer->Key("name");
    writer->String(series.name);
  }
  if (!series.tags.empty()) {
    // Go writes a map's keys sorted.
    auto write_tags = [writer](const std::vector<std::pair<std::string, std::string>>& tags) {
      writer->Key("tags");
      writer->BeginObject();
      for (const auto& [key, value] : tags) {
        writer->Key(key);
        writer->String(value);
      }
      writer->EndObject();
    };
    if (std::is_sorted(series.tags.begin(), series.tags.end())) {
      write_tags(series.tags);
    } else {
      std::vector<std::pair<std::string, std::string>> tags = series.tags;
      std::sort(tags.begin(), tags.end());
      write_tags(tags);
    }
  }
  if (!series.columns.empty()) {
    writer->Key("columns");
    if (writer->pretty()) {
      writer->BeginArray();
      for (const std::string& column : series.columns) {
        writer->String(column);
      }
      writer->EndArray();
    } else {
      if (columns_json->json.empty() || columns_json->columns != series.columns) {
        columns_json->columns = series.columns;
        columns_json->json.clear();
        GoJsonWriter array(&columns_json->json, /*pretty=*/false);
        array.BeginArray();
        for (const std::string& column : series.columns) {
          array.String(column);
        }
        array.EndArray();
      }
      writer->RawValue(columns_json->json);
    }
  }
  if (series.num_rows() > 0) {
    writer->Key("values");
    writer->BeginArray();
  }
}

// Rows [begin, end) of `series`; columnar rows in compact output go through `compact` (the
// caller's, kept for all the series it writes).
void WriteSeriesRows(const Series& series,
                     size_t begin,
                     size_t end,
                     EpochUnit epoch,
                     CompactColumnarRows* compact,
                     GoJsonWriter* writer) {
  if (begin >= end) {
    return;
  }
  if (series.columnar.has_value() && !writer->pretty()) {
    compact->Append(*series.columnar, series.columns.size(), begin, end, writer->RawElements());
    return;
  }
  for (size_t r = begin; r < end; ++r) {
    writer->BeginArray();
    for (size_t c = 0; c < series.columns.size(); ++c) {
      if (series.columnar.has_value()) {
        WriteValue(series.cell(r, c), epoch, writer);
      } else if (c < series.row_size(r)) {
        WriteValue(series.values[r][c], epoch, writer);
      }
    }
    writer->EndArray();
  }
}

void WriteSeriesTail(const Series& series, GoJsonWriter* writer) {
  if (series.num_rows() > 0) {
    writer->EndArray();
  }
  if (series.partial) {
    writer->Key("partial");
    writer->Bool(true);
  }
  writer->EndObject();
}

void WriteSeries(const Series& series,
                 EpochUnit epoch,
                 CompactColumnarRows* compact,
                 ColumnsJson* columns_json,
                 GoJsonWriter* writer) {
  WriteSeriesHead(series, columns_json, writer);
  WriteSeriesRows(series, 0, series.num_rows(), epoch, compact, writer);
  WriteSeriesTail(series, writer);
}

// The parts of a statement's JSON: the head up to its "series" array opened (when it has series),
// the series, and the tail.
void WriteStatementHead(const StatementResult& result, GoJsonWriter* writer) {
  writer->BeginObject();
  writer->Key("statement_id");
  writer->Int(result.statement_id);
  if (!result.series.empty()) {
    writer->Key("series");
    writer->BeginArray();
  }
}

void WriteStatementTail(const StatementResult& result, bool partial, GoJsonWriter* writer) {
  if (!result.series.empty()) {
    writer->EndArray();
  }
  if (!result.messages.empty()) {
    writer->Key("messages");
    writer->BeginArray();
    for (const ResultMessage& message : result.messages) {
      writer->BeginObject();
      writer->Key("level");
      writer->String(message.level);
      writer->Key("text");
      writer->String(message.text);
      writer->EndObject();
    }
    writer->EndArray();
  }
  if (partial) {
    writer->Key("partial");
    writer->Bool(true);
  }
  if (result.error.has_value()) {
    writer->Key("error");
    writer->String(*result.error);
  }
  writer->EndObject();
}

void WriteStatement(const StatementResult& result,
                    bool partial,
                    EpochUnit epoch,
                    GoJsonWriter* writer) {
  WriteStatementHead(result, writer);
  CompactColumnarRows compact(epoch);
  ColumnsJson columns_json;
  for (const Series& series : result.series) {
    WriteSeries(series, epoch, &compact, &columns_json, writer);
  }
  WriteStatementTail(result, partial, writer);
}

// encoding/csv's rule for quoting a field.
bool CsvNeedsQuotes(std::string_view field) {
  if (field.empty()) {
    return false;
  }
  if (field == "\\.") {
    return true;
  }
  for (char c : field) {
    if (c == '\n' || c == '\r' || c == '"' || c == ',') {
      return true;
    }
  }
  // A leading space (unicode.IsSpace of the first rune) is quoted too.
  uint32_t first = 0;
  if (DecodeUtf8(field, 0, &first) == 0) {
    return false;
  }
  switch (first) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return first >= 0x2000 && first <= 0x200A;
  }
}

std::string CsvValue(const ResultValue& value, EpochUnit epoch) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "";
        } else if constexpr (std::is_same_v<T, double>) {
          std::string text;
          AppendGoFloatPositional(v, &text);
          return text;
        } else if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else {
          static_assert(std::is_same_v<T, ResultTime>);
          return std::to_string(epoch == EpochUnit::kRfc3339 ? v.nanos
                                                             : TimeInUnit(v.nanos, epoch));
        }
      },
      value);
}

}  // namespace

EpochUnit ParseEpoch(std::string_view epoch) {
  if (epoch.empty()) {
    return EpochUnit::kRfc3339;
  }
  if (epoch == "u" || epoch == "\xC2\xB5") {  // "µ" (U+00B5)
    return EpochUnit::kMicroseconds;
  }
  if (epoch == "ms") {
    return EpochUnit::kMilliseconds;
  }
  if (epoch == "s") {
    return EpochUnit::kSeconds;
  }
  if (epoch == "m") {
    return EpochUnit::kMinutes;
  }
  if (epoch == "h") {
    return EpochUnit::kHours;
  }
  return EpochUnit::kNanoseconds;
}

int64_t TimeInUnit(int64_t nanos, EpochUnit unit) {
  switch (unit) {
    case EpochUnit::kRfc3339:
    case EpochUnit::kNanoseconds:
      return nanos;
    case EpochUnit::kMicroseconds:
      return nanos / kNanosPerMicro;
    case EpochUnit::kMilliseconds:
      return nanos / kNanosPerMilli;
    case EpochUnit::kSeconds:
      return nanos / kNanosPerSecond;
    case EpochUnit::kMinutes:
      return nanos / kNanosPerMinute;
    case EpochUnit::kHours:
      return nanos / kNanosPerHour;
  }
  return nanos;
}

std::string FormatRfc3339Nano(int64_t nanos, int32_t utc_offset_seconds) {
  if (utc_offset_seconds == 0) {
    std::string text = FormatIso8601(nanos, SecondFraction::kTrimmed);
    text.push_back('Z');
    return text;
  }
  const int64_t offset = int64_t{utc_offset_seconds} * kNanosPerSecond;
  std::string text;
  int64_t local = 0;
  if (!__builtin_add_overflow(nanos, offset, &local)) {
    text = FormatIso8601(local, SecondFraction::kTrimmed);
  } else {
    // Within a day of the int64 limits the local time is outside the range of int64 nanoseconds
    // (e.g. 2262-04-12): write the time of day of the instant a day closer to the epoch, and the
    // date of the day after (before) it. Both dates have four-digit years.
    const int64_t day = offset > 0 ? kNanosPerDay : -kNanosPerDay;
    const int64_t shifted = nanos - day + offset;
    const CivilDate date = CivilFromDays(FloorDiv(shifted, kNanosPerDay) + (offset > 0 ? 1 : -1));
    text = FormatIso8601(shifted, SecondFraction::kTrimmed);
    text.replace(0, 10, fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day));
  }
  // Go's "Z07:00": the offset in whole minutes (truncated toward zero), as ±hh:mm.
  int32_t minutes = utc_offset_seconds / 60;
  text.push_back(minutes < 0 ? '-' : '+');
  minutes = minutes < 0 ? -minutes : minutes;
  text.append(fmt::format("{:02}:{:02}", minutes / 60, minutes % 60));
  return text;
}

void AppendGoJsonFloat(double value, std::string* out) {
  STRATA_DCHECK(std::isfinite(value));
  char text[format::kMaxFloatLength];
  const char* end = format::WriteFloat(value, format::FloatNotation::kGoJson, text);
  out->append(text, static_cast<size_t>(end - text));
}

void AppendGoFloatPositional(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
  } else {
    AppendPositional(Shortest(value), out);
  }
}

struct V1JsonEncoder::State {
  enum class Phase : uint8_t { kBegin, kStatement, kSeries, kRows, kDone };

  // Encodes `*borrowed`, or `all` when borrowed is null.
  State(std::vector<StatementResult> all,
        const std::vector<StatementResult>* borrowed,
        EncodeOptions encode)
      : owned(std::move(all)),
        results(borrowed != nullptr ? *borrowed : owned),
        options(encode),
        writer(nullptr, encode.pretty) {}

  // Writes the next part; false when there is nothing left.
  bool Step() {
    switch (phase) {
      case Phase::kBegin:
        writer.BeginObject();
        // encoding/json's omitempty drops an empty "results" too; InfluxDB always has one result
        // per statement, and a request has at least one statement.
        if (!results.empty()) {
          writer.Key("results");
          writer.BeginArray();
        }
        phase = Phase::kStatement;
        return true;
      case Phase::kStatement:
        if (statement == results.size()) {
          if (!results.empty()) {
            writer.EndArray();
          }
          writer.EndObject();
          writer.RawNewLine();
          phase = Phase::kDone;
          return false;
        }
        WriteStatementHead(results[statement], &writer);
        series = 0;
        phase = Phase::kSeries;
        return true;
      case Phase::kSeries: {
        const StatementResult& result = results[statement];
        if (series == result.series.size()) {
          WriteStatementTail(result, /*partial=*/false, &writer);
          if (!owned.empty()) {
            owned[statement] = StatementResult();  // written: its memory goes back now
          }
          ++statement;
          phase = Phase::kStatement;
          return true;
        }
        WriteSeriesHead(result.series[series], &columns_json, &writer);
        row = 0;
        phase = Phase::kRows;
        return true;
      }
      case Phase::kRows: {
        const Series& current = results[statement].series[series];
        const size_t rows = current.num_rows();
        if (row < rows) {
          const size_t end = std::min(rows, row + kRowsPerStep);
          WriteSeriesRows(current, row, end, options.epoch, &compact, &writer);
          row = end;
          return true;
        }
        WriteSeriesTail(current, &writer);
        ++series;
        phase = Phase::kSeries;
        return true;
      }
      case Phase::kDone:
        return false;
    }
    return false;
  }

  static constexpr size_t kRowsPerStep = 256;
  std::vector<StatementResult> owned;
  const std::vector<StatementResult>& results;
  const EncodeOptions options;
  GoJsonWriter writer;
  Phase phase = Phase::kBegin;
  size_t statement = 0;
  size_t series = 0;
  size_t row = 0;
  CompactColumnarRows compact{options.epoch};
  ColumnsJson columns_json;
};

V1JsonEncoder::V1JsonEncoder(std::vector<StatementResult> results, const EncodeOptions& options)
    : state_(std::make_unique<State>(std::move(results), nullptr, options)) {}

V1JsonEncoder::~V1JsonEncoder() = default;

bool V1JsonEncoder::Next(std::string* out, size_t piece_bytes) {
  state_->writer.set_out(out);
  const size_t start = out->size();
  while (state_->Step()) {
    if (out->size() - start >= piece_bytes) {
      return true;
    }
  }
  return false;
}

void AppendV1Json(const std::vector<StatementResult>& results,
                  const EncodeOptions& options,
                  std::string* out) {
  V1JsonEncoder::State state({}, &results, options);
  state.writer.set_out(out);
  while (state.Step()) {
  }
}

void AppendV1JsonChunk(const ResultChunk& chunk, const EncodeOptions& options, std::string* out) {
  GoJsonWriter writer(out, options.pretty);
  writer.BeginObject();
  writer.Key("results");
  writer.BeginArray();
  WriteStatement(chunk.result, chunk.partial, options.epoch, &writer);
  writer.EndArray();
  writer.EndObject();
  out->push_back('\n');
}

void AppendV1JsonError(std::string_view message, bool pretty, std::string* out) {
  GoJsonWriter writer(out, pretty);
  writer.BeginObject();
  writer.Key("error");
  writer.String(message);
  writer.EndObject();
  out->push_back('\n');
}

void V1CsvWriter::AppendRecord(const std::vector<std::string>& fields, std::string* out) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      out->push_back(',');
    }
    const std::string& field = fields[i];
    if (!CsvNeedsQuotes(field)) {
      out->append(field);
      continue;
    }
    out->push_back('"');
    for (char c : field) {
      if (c == '"') {
        out->append("\"\"");
      } else if (c == '\r') {
        out->push_back('\r');  // encoding/csv keeps \r unless it precedes \n (UseCRLF off)
      } else {
        out->push_back(c);
      }
    }
    out->push_back('"');
  }
  out->push_back('\n');
}

void V1CsvWriter::Append(const std::vector<StatementResult>& results, std::string* out) {
  for (const StatementResult& result : results) {
    AppendOne(result, out);
  }
}

void V1CsvWriter::AppendOne(const StatementResult& result, std::string* out) {
  if (result.statement_id != statement_id_) {
    if (result.series.empty()) {
      return;
    }
    if (statement_id_ >= 0) {
      out->push_back('\n');
    }
    statement_id_ = result.statement_id;
    header_ = {"name", "tags"};
    header_.insert(
        header_.end(), result.series.front().columns.begin(), result.series.front().columns.end());
    AppendRecord(header_, out);
  }
  for (size_t s = 0; s < result.series.size(); ++s) {
    const Series& series = result.series[s];
    if (s > 0 && result.series[s - 1].columns != series.columns) {
      out->push_back('\n');
      header_ = {"name", "tags"};
      header_.insert(header_.end(), series.columns.begin(), series.columns.end());
      AppendRecord(header_, out);
    }
    std::string tags;
    if (!series.tags.empty()) {
      std::vector<std::pair<std::string, std::string>> sorted = series.tags;
      std::sort(sorted.begin(), sorted.end());
      for (const auto& [key, value] : sorted) {
        if (!tags.empty()) {
          tags.push_back(',');
        }
        AppendEscapedTag(key, &tags);
        tags.push_back('=');
        AppendEscapedTag(value, &tags);
      }
    }
    std::vector<std::string> fields(2 + series.columns.size());
    fields[0] = series.name;
    fields[1] = tags;
    for (size_t r = 0; r < series.num_rows(); ++r) {
      for (size_t i = 0; i < series.row_size(r) && i + 2 < fields.size(); ++i) {
        fields[i + 2] = CsvValue(series.cell(r, i), epoch_);
      }
      AppendRecord(fields, out);
    }
  }
}

void V1CsvWriter::AppendError(std::string_view message, std::string* out) {
  V1CsvWriter writer(EpochUnit::kRfc3339);
  writer.AppendRecord({"error"}, out);
  writer.AppendRecord({std::string(message)}, out);
}

std::vector<ResultChunk> SplitIntoChunks(StatementResult result, int64_t chunk_size) {
  STRATA_CHECK_GT(chunk_size, 0);
  std::vector<ResultChunk> chunks;
  if (result.series.empty() || result.error.has_value()) {
    chunks.push_back(ResultChunk{std::move(result), false});
    return chunks;
  }
  const size_t size = static_cast<size_t>(chunk_size);
  for (Series& series : result.series) {
    size_t begin = 0;
    const size_t rows = series.num_rows();
    do {
      const size_t end = std::min(rows, begin + size);
      ResultChunk chunk;
      chunk.result.statement_id = result.statement_id;
      if (chunks.empty()) {
        chunk.result.messages = result.messages;
      }
      Series piece;
      piece.name = series.name;
      piece.tags = series.tags;
      piece.columns = series.columns;
      if (series.columnar.has_value()) {
        const ColumnarRows& all = *series.columnar;
        ColumnarRows& part = piece.columnar.emplace();
        part.blocks = all.blocks;
        part.rows.assign(all.rows.begin() + begin, all.rows.begin() + end);
        if (!all.utc_offsets.empty()) {
          part.utc_offsets.assign(all.utc_offsets.begin() + begin, all.utc_offsets.begin() + end);
        }
      } else {
        piece.values.assign(std::make_move_iterator(series.values.begin() + begin),
                            std::make_move_iterator(series.values.begin() + end));
      }
      piece.partial = end < rows || series.partial;
      chunk.result.series.push_back(std::move(piece));
      chunk.partial = true;
      chunks.push_back(std::move(chunk));
      begin = end;
    } while (begin < rows);
  }
  chunks.back().partial = false;
  return chunks;
}

void AppendEscapedMeasurement(std::string_view name, std::string* out) {
  for (char c : name) {
    if (c == ',' || c == ' ') {
      out->push_back('\\');
    }
    out->push_back(c);
  }
}

void AppendEscapedTag(std::string_view text, std::string* out) {
  for (char c : text) {
    if (c == ',' || c == '=' || c == ' ') {
      out->push_back('\\');
    }
    out->push_back(c);
  }
}

std::string SeriesKey(std::string_view measurement,
                      std::vector<std::pair<std::string, std::string>> tags) {
  std::sort(tags.begin(), tags.end());
  std::string key;
  AppendEscapedMeasurement(measurement, &key);
  for (const auto& [tag, value] : tags) {
    if (value.empty()) {
      continue;
    }
    key.push_back(',');
    AppendEscapedTag(tag, &key);
    key.push_back('=');
    AppendEscapedTag(value, &key);
  }
  return key;
}

}  // namespace strata::influxql
