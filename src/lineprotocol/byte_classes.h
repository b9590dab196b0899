// Byte classes of line protocol and the searches for special bytes that the parser's hot loops
// use: a 256-entry class table, and 16-bytes-at-a-time (SSE2) scans for the bytes that may end a
// name or a quoted string. Internal to the lineprotocol module.
#pragma once

#include <array>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace strata::lineprotocol::internal {

// Character classes. Each name context has a "stop" bit for the bytes that end a name there;
// kSlow marks bytes that need a closer look in every context (escapes, a possible CRLF, and
// non-ASCII bytes, which make the line subject to UTF-8 validation).
enum : uint8_t {
  kMeasurementStop = 1 << 0,  // , space tab newline NUL
  kKeyStop = 1 << 1,          // = space tab newline (tag keys and field keys)
  kTagValueStop = 1 << 2,     // , space tab newline
  kStringSpecial = 1 << 3,    // " \ newline non-ASCII (inside string field values)
  kValueEnd = 1 << 4,         // , space tab newline CR (end of an unquoted field value)
  // Bytes that may end a name where ',' resp. '=' is the delimiter: the delimiter, a backslash,
  // and every byte <= ' ' or >= 0x80. A superset of the stop and slow bytes that is quick to
  // test 16 bytes at a time; a candidate that is neither is skipped by the slow path.
  kCandidateComma = 1 << 5,
  kCandidateEquals = 1 << 6,
  kSlow = 1 << 7,  // \ CR non-ASCII
};

constexpr std::array<uint8_t, 256> MakeCharClasses() {
  std::array<uint8_t, 256> classes{};
  for (int c : {',', ' ', '\t', '\n', '\0'}) {
    classes[c] |= kMeasurementStop;
  }
  for (int c : {'=', ' ', '\t', '\n'}) {
    classes[c] |= kKeyStop;
  }
  for (int c : {',', ' ', '\t', '\n'}) {
    classes[c] |= kTagValueStop;
  }
  for (int c : {'"', '\\', '\n'}) {
    classes[c] |= kStringSpecial;
  }
  for (int c : {',', ' ', '\t', '\n', '\r'}) {
    classes[c] |= kValueEnd;
  }
  for (int c = 0; c < 0x100; ++c) {
    if (c <= ' ' || c >= 0x80 || c == '\\') {
      classes[c] |= kCandidateComma | kCandidateEquals;
    }
  }
  classes[','] |= kCandidateComma;
  classes['='] |= kCandidateEquals;
  classes['\\'] |= kSlow;
  classes['\r'] |= kSlow;
  for (int c = 0x80; c < 0x100; ++c) {
    classes[c] |= kSlow | kStringSpecial;
  }
  return classes;
}

inline constexpr std::array<uint8_t, 256> kCharClass = MakeCharClasses();

inline uint8_t ClassOf(char c) {
  return kCharClass[static_cast<uint8_t>(c)];
}
inline bool IsDigit(char c) {
  return static_cast<unsigned>(c - '0') < 10;
}

// Returns the first byte in [p, end) that has class `kCandidate` (kCandidateComma with
// kDelimiter ',', kCandidateEquals with '='), or end.
template <uint8_t kCandidate, char kDelimiter>
inline const char* FindNameCandidate(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i delimiter = _mm_set1_epi8(kDelimiter);
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i above_space = _mm_set1_epi8(' ' + 1);
  while (end - p >= 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed comparison: bytes >= 0x80 are negative, so "less than '!'" also catches them.
    const __m128i hits = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(bytes, delimiter), _mm_cmpeq_epi8(bytes, backslash)),
        _mm_cmplt_epi8(bytes, above_space));
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) {
      return p + __builtin_ctz(static_cast<unsigned>(mask));
    }
    p += 16;
  }
#endif
  while (p < end && !(ClassOf(*p) & kCandidate)) {
    ++p;
  }
  return p;
}

// Returns the first byte in [p, end) that is special inside a quoted string value: a double
// quote, a backslash, a newline or a byte >= 0x80; or end.
inline const char* FindStringSpecial(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i newline = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                     _mm_or_si128(_mm_cmpeq_epi8(bytes, newline), bytes));  // bytes: the sign bit.
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) {
      return p + __builtin_ctz(static_cast<unsigned>(mask));
    }
    p += 16;
  }
#endif
  while (p < end && !(ClassOf(*p) & kStringSpecial)) {
    ++p;
  }
  return p;
}

}  // namespace strata::lineprotocol::internal
