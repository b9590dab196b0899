// Terminal column widths of UTF-8 text, for aligning the pretty table. InfluxDB's pretty output is
// drawn by comfy-table, which measures cells with the unicode-width crate; this follows the same
// rules: East Asian wide and fullwidth characters (CJK, Hangul syllables, most emoji) take two
// columns, combining marks, zero-width characters and control characters none, the rest one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata::format {

// The number of columns `code_point` occupies: 0, 1 or 2.
int CodePointWidth(uint32_t code_point);

// The number of columns `text` occupies. A byte that does not start a valid UTF-8 sequence counts
// as one column (it is printed as U+FFFD).
size_t DisplayWidth(std::string_view text);

}  // namespace strata::format
