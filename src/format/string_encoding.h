// How string values (and column names) are spelled in each output format. Query results are
// sent as UTF-8 text, so every encoder replaces bytes that are not valid UTF-8 with U+FFFD
// (InfluxDB's strings are valid UTF-8 by construction; ours come from validated line protocol, so
// this only matters for corrupt data).
#pragma once

#include <string_view>

#include "format/byte_sink.h"

namespace strata::format {

// Appends `value` as a JSON string literal, escaped as serde_json does (arrow-json encodes
// strings with it): `"` and `\` backslash-escaped, \b \f \n \r \t short-escaped, the other
// control characters below U+0020 as \u00XX with lower-case hex, everything else (DEL and all
// non-ASCII text) unescaped.
void AppendJsonString(std::string_view value, ByteSink* sink);

// Appends `value` as one CSV field, as the csv crate's writer does with arrow-csv's defaults
// (QuoteStyle::Necessary): enclosed in double quotes, with quotes doubled, only if it contains a
// comma, a double quote, CR or LF.
void AppendCsvField(std::string_view value, ByteSink* sink);

// Appends `value` unchanged except for invalid UTF-8 (the pretty table's cell text).
void AppendUtf8(std::string_view value, ByteSink* sink);

}  // namespace strata::format
