// Encoding a result's batches into bytes where they are computed: each partition of the plan gets
// its own encoder, run on the thread that produces the partition's batches, so encoding a large
// result (JSON, CSV) runs in parallel like the operators do instead of on the one thread that
// sends the response.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "exec/batch.h"
#include "exec/execution_plan.h"

namespace strata::exec {

// The size encoded pieces gather batches up to before they are handed on (the last piece of a
// partition may be smaller, a piece of a large batch larger).
inline constexpr size_t kEncodedPieceBytes = size_t{1} << 20;

// Encodes the batches of one partition. Single-threaded; one per partition.
class BatchEncoder {
 public:
  virtual ~BatchEncoder() = default;
  // Appends the bytes of `batch` (which may have a selection) to `*out`.
  virtual absl::Status Encode(const Batch& batch, std::string* out) = 0;
};

// Makes one encoder per partition. Called on the consumer's thread before anything runs.
using BatchEncoderFactory = std::function<std::unique_ptr<BatchEncoder>()>;

// A stream of encoded pieces, each the bytes of one or more batches (up to about
// kEncodedPieceBytes). Single consumer.
class EncodedStream {
 public:
  virtual ~EncodedStream() = default;
  // Sets *piece to the next non-empty piece and returns true, or returns false at the end.
  virtual absl::StatusOr<bool> Next(std::string* piece) = 0;
};

// Runs every partition of `plan` like ExecuteStream and encodes each batch with its partition's
// encoder on the thread that computed it. Pieces come in no particular order across partitions
// (as ExecuteStream's batches do); a single-partition plan is encoded in order, on the caller's
// thread.
absl::StatusOr<std::unique_ptr<EncodedStream>> ExecuteEncoded(ExecutionPlanPtr plan,
                                                              std::shared_ptr<TaskContext> context,
                                                              BatchEncoderFactory make_encoder);

// Encodes the batches of `stream`, in order, on the caller's thread, gathering them into pieces
// like ExecuteEncoded.
std::unique_ptr<EncodedStream> EncodeStream(std::unique_ptr<BatchStream> stream,
                                            std::unique_ptr<BatchEncoder> encoder);

}  // namespace strata::exec
