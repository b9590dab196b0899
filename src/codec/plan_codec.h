// The plan codec: physical plans (exec::ExecutionPlan trees, including table scans with their
// pushed-down filters) and physical expressions to protobuf bytes and back, so that a plan made
// on one process runs on another (DataFusion's datafusion-proto). The wire format is
// src/codec/proto/plan.proto; docs/plan_codec.md describes what is encoded and how it evolves.
//
// Decoding treats its input as untrusted: malformed bytes, out-of-range indices and enum values,
// unknown functions, type mismatches and excessive nesting are InvalidArgument errors, never a
// crash. Nodes and expressions are rebuilt through the engine's Make* factories, so a decoded
// plan passes the same checks as one built by the planner.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "buffer/write_buffer.h"
#include "columnar/schema.h"
#include "exec/execution_plan.h"
#include "exec/function.h"
#include "exec/physical_expr.h"
#include "persist/file_cache.h"
#include "persist/persister.h"

namespace strata::codec {

// The version an encoder writes into every plan; a decoder rejects newer versions. Raised only
// for a change old decoders would misread (new fields alone do not need it: see plan.proto).
inline constexpr uint32_t kPlanFormatVersion = 1;

// The deepest nesting of plan nodes and expressions (counted together) a decoder accepts, and an
// encoder produces. Bounds the decoder's recursion.
inline constexpr int kMaxNestingDepth = 1000;

struct DecodeContext;

// Encodes and decodes plan nodes the core codec does not know (DataFusion's
// PhysicalExtensionCodec): Parquet and cache scans, custom operators. The core codec encodes the
// node's children itself and frames the payload with a name, so an extension only writes the
// node's own parameters. Extensions that embed expressions in their payload use
// EncodeExpr/DecodeExpr. Implementations must be thread-safe (stateless, usually).
class PhysicalExtensionCodec {
 public:
  virtual ~PhysicalExtensionCodec() = default;

  // Encodes `node` (whose children the caller encodes) into a name that selects the decoder and
  // an opaque payload. Unimplemented when this codec does not know the node.
  virtual absl::Status Encode(const exec::ExecutionPlan& node,
                              std::string* name,
                              std::string* payload) const = 0;

  // Rebuilds a node from what Encode wrote, with its decoded children. Must validate `payload`
  // as untrusted input. Unimplemented when this codec does not know `name`.
  virtual absl::StatusOr<exec::ExecutionPlanPtr> Decode(std::string_view name,
                                                        std::string_view payload,
                                                        std::vector<exec::ExecutionPlanPtr> inputs,
                                                        const DecodeContext& context) const = 0;
};

// What a decoder needs to rebuild nodes on this process. The pointers are not owned and must
// outlive the decoded plan (the plan holds the write buffer pointer, not a copy).
struct DecodeContext {
  // Where function names are looked up.
  const exec::FunctionRegistry* functions = &exec::FunctionRegistry::Default();
  // The write buffer BufferScanExec nodes read; null: a plan with such a node is rejected.
  const buffer::WriteBuffer* write_buffer = nullptr;
  // The persisted files BufferScanExec nodes also read (query::ScanSources); null: none.
  const persist::Persister* persister = nullptr;
  persist::ParquetFileCache* files = nullptr;
  int64_t file_limit = 0;
  // Decodes extension nodes; null: a plan with one is rejected.
  const PhysicalExtensionCodec* extension = nullptr;
};

// Encodes `plan` deterministically (equal plans give equal bytes). Unimplemented for a node that
// neither the core codec nor `extension` (may be null) knows; InvalidArgument for a plan nested
// deeper than kMaxNestingDepth.
absl::StatusOr<std::string> EncodePlan(const exec::ExecutionPlan& plan,
                                       const PhysicalExtensionCodec* extension = nullptr);

// Rebuilds a plan encoded by EncodePlan. InvalidArgument for malformed or inconsistent input
// ("unknown function 'x' in plan", "column #7 is out of range for 3 input fields", ...).
absl::StatusOr<exec::ExecutionPlanPtr> DecodePlan(std::string_view bytes,
                                                  const DecodeContext& context);

// Encodes one expression (for extension payloads and tests), deterministically.
absl::StatusOr<std::string> EncodeExpr(const exec::PhysicalExpr& expr);

// Rebuilds an expression encoded by EncodeExpr over `input_schema` (the schema of the batches it
// will be evaluated on: column references are checked against it).
absl::StatusOr<exec::PhysicalExprPtr> DecodeExpr(std::string_view bytes,
                                                 const Schema& input_schema,
                                                 const DecodeContext& context);

}  // namespace strata::codec
