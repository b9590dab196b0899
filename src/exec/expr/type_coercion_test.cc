// The type rules of exec/type_coercion.h.
#include "exec/type_coercion.h"

#include "gtest/gtest.h"

namespace strata::exec {
namespace {

std::string Resolve(BinaryOp op, TypeId l, TypeId r) {
  absl::StatusOr<BinarySignature> s = ResolveBinary(op, l, r);
  if (!s.ok()) {
    return std::string(s.status().message());
  }
  return std::string(TypeName(s->left)) + "," + std::string(TypeName(s->right)) + "->" +
         std::string(TypeName(s->result));
}

TEST(TypeCoercionTest, Arithmetic) {
  EXPECT_EQ(Resolve(BinaryOp::kAdd, TypeId::kInt64, TypeId::kInt64), "int64,int64->int64");
  EXPECT_EQ(Resolve(BinaryOp::kAdd, TypeId::kInt64, TypeId::kUInt64), "int64,int64->int64");
  EXPECT_EQ(Resolve(BinaryOp::kDivide, TypeId::kUInt64, TypeId::kFloat64),
            "float64,float64->float64");
  EXPECT_EQ(Resolve(BinaryOp::kAdd, TypeId::kNull, TypeId::kInt64), "int64,int64->int64");
  EXPECT_EQ(Resolve(BinaryOp::kAdd, TypeId::kTimestamp, TypeId::kInterval),
            "timestamp(ns),interval->timestamp(ns)");
  EXPECT_EQ(Resolve(BinaryOp::kAdd, TypeId::kInterval, TypeId::kTimestamp),
            "interval,timestamp(ns)->timestamp(ns)");
  EXPECT_EQ(Resolve(BinaryOp::kSubtract, TypeId::kTimestamp, TypeId::kTimestamp),
            "timestamp(ns),timestamp(ns)->interval");
  EXPECT_EQ(Resolve(BinaryOp::kSubtract, TypeId::kInterval, TypeId::kTimestamp),
            "cannot apply operator '-' to interval and timestamp(ns)");
  EXPECT_EQ(Resolve(BinaryOp::kAdd, TypeId::kString, TypeId::kInt64),
            "cannot apply operator '+' to string and int64");
  EXPECT_EQ(Resolve(BinaryOp::kAdd, TypeId::kTimestamp, TypeId::kTimestamp),
            "cannot apply operator '+' to timestamp(ns) and timestamp(ns)");
}

TEST(TypeCoercionTest, Comparison) {
  EXPECT_EQ(Resolve(BinaryOp::kLt, TypeId::kInt64, TypeId::kFloat64), "float64,float64->boolean");
  EXPECT_EQ(Resolve(BinaryOp::kEq, TypeId::kDictionary, TypeId::kString),
            "dictionary(string),string->boolean");
  EXPECT_EQ(Resolve(BinaryOp::kGtEq, TypeId::kTimestamp, TypeId::kString),
            "timestamp(ns),timestamp(ns)->boolean");
  EXPECT_EQ(Resolve(BinaryOp::kGtEq, TypeId::kDictionary, TypeId::kTimestamp),
            "timestamp(ns),timestamp(ns)->boolean");
  EXPECT_EQ(Resolve(BinaryOp::kEq, TypeId::kBool, TypeId::kBool), "boolean,boolean->boolean");
  EXPECT_EQ(Resolve(BinaryOp::kIsDistinctFrom, TypeId::kNull, TypeId::kString),
            "string,string->boolean");
  EXPECT_EQ(Resolve(BinaryOp::kEq, TypeId::kBool, TypeId::kInt64),
            "cannot apply operator '=' to boolean and int64");
  EXPECT_EQ(Resolve(BinaryOp::kEq, TypeId::kString, TypeId::kInt64),
            "cannot apply operator '=' to string and int64");
}

TEST(TypeCoercionTest, LogicalStringAndRegex) {
  EXPECT_EQ(Resolve(BinaryOp::kAnd, TypeId::kBool, TypeId::kNull), "boolean,boolean->boolean");
  EXPECT_EQ(Resolve(BinaryOp::kOr, TypeId::kBool, TypeId::kInt64),
            "cannot apply operator 'OR' to boolean and int64");
  EXPECT_EQ(Resolve(BinaryOp::kConcat, TypeId::kString, TypeId::kInt64), "string,string->string");
  EXPECT_EQ(Resolve(BinaryOp::kConcat, TypeId::kInt64, TypeId::kInt64),
            "cannot apply operator '||' to int64 and int64");
  EXPECT_EQ(Resolve(BinaryOp::kRegexIMatch, TypeId::kDictionary, TypeId::kString),
            "dictionary(string),string->boolean");
  EXPECT_EQ(Resolve(BinaryOp::kRegexMatch, TypeId::kInt64, TypeId::kString),
            "cannot apply operator '~' to int64 and string");
}

TEST(TypeCoercionTest, CommonType) {
  EXPECT_EQ(*CommonType({TypeId::kInt64, TypeId::kFloat64}), TypeId::kFloat64);
  EXPECT_EQ(*CommonType({TypeId::kNull, TypeId::kUInt64, TypeId::kInt64}), TypeId::kInt64);
  EXPECT_EQ(*CommonType({TypeId::kDictionary, TypeId::kDictionary}), TypeId::kString);
  EXPECT_EQ(*CommonType({TypeId::kString, TypeId::kTimestamp}), TypeId::kTimestamp);
  EXPECT_EQ(*CommonType({TypeId::kNull}), TypeId::kNull);
  EXPECT_EQ(CommonType({TypeId::kInt64, TypeId::kString}).status().message(),
            "cannot find a common type for int64 and string");
}

TEST(TypeCoercionTest, Casts) {
  EXPECT_TRUE(CanCast(TypeId::kFloat64, TypeId::kInt64));
  EXPECT_TRUE(CanCast(TypeId::kInterval, TypeId::kString));
  EXPECT_TRUE(CanCast(TypeId::kDictionary, TypeId::kTimestamp));
  EXPECT_TRUE(CanCast(TypeId::kInt64, TypeId::kTimestamp));
  EXPECT_TRUE(CanCast(TypeId::kNull, TypeId::kInterval));
  EXPECT_FALSE(CanCast(TypeId::kFloat64, TypeId::kTimestamp));
  EXPECT_FALSE(CanCast(TypeId::kBool, TypeId::kTimestamp));
  EXPECT_FALSE(CanCast(TypeId::kInt64, TypeId::kInterval));
  EXPECT_FALSE(CanCast(TypeId::kInt64, TypeId::kDictionary));
  EXPECT_TRUE(CanCoerceImplicitly(TypeId::kInt64, TypeId::kFloat64));
  EXPECT_TRUE(CanCoerceImplicitly(TypeId::kString, TypeId::kTimestamp));
  EXPECT_TRUE(CanCoerceImplicitly(TypeId::kDictionary, TypeId::kString));
  EXPECT_FALSE(CanCoerceImplicitly(TypeId::kFloat64, TypeId::kInt64));
  EXPECT_FALSE(CanCoerceImplicitly(TypeId::kTimestamp, TypeId::kString));
}

}  // namespace
}  // namespace strata::exec
