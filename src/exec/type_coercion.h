// Type rules shared by the binder (which inserts casts) and the kernels (which rely on them):
// what a binary operator, a cast or a set operation does with each pair of types, following
// DataFusion/PostgreSQL. The binder calls these; the kernels implement exactly these cases.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "exec/physical_expr.h"
#include "types/data_type.h"

namespace strata::exec {

// How to evaluate `left op right`: cast each side to the given type (equal to its own type when
// no cast is needed; kDictionary operands stay kDictionary where a string is asked for), and
// the result type.
struct BinarySignature {
  TypeId left;
  TypeId right;
  TypeId result;
};

// Rules (the binder first casts a literal operand to the other side's type when the value fits,
// so `u > 5` on a uint64 column compares uint64s, `x = 1` on a float64 column compares floats):
//   numeric     int64 with uint64 -> int64 (a uint64 above INT64_MAX then fails to cast);
//               int64 or uint64 with float64 -> float64.
//   arithmetic  + - * / % : numeric pairs widen (int64/uint64 -> float64 when mixed with
//               float64); timestamp +/- interval -> timestamp; timestamp - timestamp ->
//               interval; interval +/- interval -> interval; kNull with anything -> that type.
//   comparison  = <> < <= > >= and IS [NOT] DISTINCT FROM: numerics widen; strings (plain or
//               dictionary) with strings; timestamp with timestamp, and timestamp with a string
//               (the string is cast to timestamp: `time >= '2016-01-01T00:00:00Z'`); bool with
//               bool; interval with interval (compared as PostgreSQL: a month is 30 days).
//               kNull with T -> T on both sides (NULL with NULL stays kNull).
//   AND OR      bool (or kNull) only.
//   || ~ ~* ... strings only (|| also accepts any type cast to string, as PostgreSQL).
// Error (InvalidArgument): "cannot apply operator '+' to string and int64".
absl::StatusOr<BinarySignature> ResolveBinary(BinaryOp op, TypeId left, TypeId right);

// The common type of values combined by CASE branches, IN lists, UNION columns, COALESCE,
// greatest/least: e.g. int64+float64 -> float64, string+dictionary -> string, kNull+T -> T,
// string+timestamp -> timestamp. Never kDictionary (dictionary+dictionary -> string: values from
// different dictionaries cannot share codes).
// Error: "cannot find a common type for int64 and string".
absl::StatusOr<TypeId> CommonType(const std::vector<TypeId>& types);

// True when CAST(from AS to) is supported (it may still fail on a value, e.g. 'abc' to int64):
// kNull to anything; numerics and bool among each other; anything to string; string to bool,
// numerics, timestamp and interval; int64/uint64 <-> timestamp (nanoseconds); string <->
// dictionary.
bool CanCast(TypeId from, TypeId to);

// True when `from` converts to `to` implicitly (argument of a function, side of an operator):
// numeric widening int64/uint64 -> float64, kNull -> anything, kDictionary <-> kString,
// string -> timestamp (for comparisons and function arguments that take a timestamp).
bool CanCoerceImplicitly(TypeId from, TypeId to);

}  // namespace strata::exec
