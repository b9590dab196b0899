// Conversions between the engine's values, schemas and physical expressions and their protobuf
// messages (proto/plan.proto), shared by the plan codec and by extension codecs that embed these
// messages in their own payloads. The *FromProto functions validate untrusted input.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "codec/plan_codec.h"
#include "codec/proto/plan.pb.h"
#include "columnar/schema.h"
#include "exec/function.h"
#include "exec/physical_expr.h"
#include "exec/scalar.h"
#include "google/protobuf/message_lite.h"

namespace strata::codec {

namespace pb = ::strata::plan::v1;

pb::DataType TypeToProto(TypeId type);
// InvalidArgument for DATA_TYPE_UNSPECIFIED and values this decoder does not know.
absl::StatusOr<TypeId> TypeFromProto(int type);

void ScalarToProto(const exec::Scalar& value, pb::Scalar* out);
// Checks that the value matches the type (no dictionary scalars, int64 for timestamps).
absl::StatusOr<exec::Scalar> ScalarFromProto(const pb::Scalar& value);

void SchemaToProto(const Schema& schema, pb::Schema* out);
absl::StatusOr<SchemaPtr> SchemaFromProto(const pb::Schema& schema);

void SignatureToProto(const exec::FunctionSignature& signature, pb::FunctionSignature* out);
absl::StatusOr<exec::FunctionSignature> SignatureFromProto(const pb::FunctionSignature& signature);

// `depth` is the nesting already used by whatever encloses the expression (0 for none); both
// directions fail past kMaxNestingDepth.
absl::Status ExprToProto(const exec::PhysicalExpr& expr, int depth, pb::PhysicalExpr* out);
absl::StatusOr<exec::PhysicalExprPtr> ExprFromProto(const pb::PhysicalExpr& expr,
                                                    const Schema& input_schema,
                                                    const DecodeContext& context,
                                                    int depth);

// The deterministic serialization of `message`.
std::string SerializeDeterministic(const google::protobuf::MessageLite& message);
// Parses `bytes` into `message` with a recursion limit that fits kMaxNestingDepth; false when
// the bytes are not a complete, well-formed message.
bool ParseBounded(std::string_view bytes, google::protobuf::MessageLite* message);

}  // namespace strata::codec
