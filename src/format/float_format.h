// float64 text as InfluxDB 3 prints it in query results. Both spellings use the shortest digits
// that read back to the same double and always show a decimal point or an exponent, but the two
// arrow-rs code paths behind InfluxDB's formats place the exponent differently:
//   kDisplay (CSV, pretty): arrow-cast's display formatter, i.e. the `ryu` crate: positional
//     notation for 1e-5 <= |v| < 1e16, else `1e16`, `1.5e-7`; NaN, inf, -inf spelled out.
//   kJson (JSON, JSON lines): arrow-json's encoder, i.e. `lexical-core`: positional notation for
//     decimal exponents -5..9, else `1.0e10`, `1.5e-7`; only finite values (the caller writes
//     NaN and infinities as JSON null).
// InfluxDB 1.x's JSON (InfluxQL's /query) is Go's encoding/json instead:
//   kGoJson: strconv's 'f' layout (no point for integers: `2`, `100000000000000000000`) for
//     1e-6 <= |v| < 1e21, else its 'e' layout with encoding/json's clean-up (`1e+21`, `1.5e-7`);
//     only finite values.
#pragma once

#include <cstddef>

namespace strata::format {

enum class FloatNotation { kDisplay, kJson, kGoJson };

// The room WriteFloat needs. Its longest text is 24 bytes ("-1.2345678901234567e-308"), but it
// fills zeros in fixed-size blocks and may scribble on bytes after the text.
inline constexpr size_t kMaxFloatLength = 40;

// Writes `value` in `notation` and returns one past the last byte of its text.
// REQUIRES: `out` has room for kMaxFloatLength bytes; for kJson and kGoJson, `value` is finite.
char* WriteFloat(double value, FloatNotation notation, char* out);

}  // namespace strata::format
