// InfluxDB 3's timestamp text is common/civil_time.h's ISO 8601 text with 3, 6 or 9 fraction
// digits.
#include "format/timestamp_format.h"

#include "common/civil_time.h"

namespace strata::format {

static_assert(kMaxTimestampLength == kMaxIso8601Length);

char* WriteTimestamp(int64_t nanos, char* out) {
  return WriteIso8601(nanos, SecondFraction::kMillisMicrosOrNanos, out);
}

void AppendTimestamp(int64_t nanos, std::string* out) {
  char buffer[kMaxTimestampLength];
  const char* end = WriteTimestamp(nanos, buffer);
  out->append(buffer, static_cast<size_t>(end - buffer));
}

std::string FormatTimestamp(int64_t nanos) {
  std::string text;
  AppendTimestamp(nanos, &text);
  return text;
}

}  // namespace strata::format
