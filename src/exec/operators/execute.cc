// ExecuteStream and Collect: running a whole plan.
#include "common/status.h"
#include "exec/execution_plan.h"
#include "exec/operators/partition_merge.h"

namespace strata::exec {
namespace {

// Keeps the plan alive for as long as a stream of its single partition is read.
class PlanOwningStream final : public BatchStream {
 public:
  PlanOwningStream(ExecutionPlanPtr plan, std::unique_ptr<BatchStream> inner)
      : plan_(std::move(plan)), inner_(std::move(inner)) {}
  absl::StatusOr<bool> Next(Batch* batch) override { return inner_->Next(batch); }

 private:
  ExecutionPlanPtr plan_;  // declared first: outlives inner_
  std::unique_ptr<BatchStream> inner_;
};

// Encodes the batches of one stream in order.
class SerialEncodedStream final : public EncodedStream {
 public:
  SerialEncodedStream(std::unique_ptr<BatchStream> stream, std::unique_ptr<BatchEncoder> encoder)
      : stream_(std::move(stream)), encoder_(std::move(encoder)) {}

  absl::StatusOr<bool> Next(std::string* piece) override {
    piece->clear();
    while (!ended_ && piece->size() < kEncodedPieceBytes) {
      Batch batch;
      STRATA_ASSIGN_OR_RETURN(bool more, stream_->Next(&batch));
      if (!more) {
        ended_ = true;
      } else if (batch.length() > 0) {
        STRATA_RETURN_IF_ERROR(encoder_->Encode(batch, piece));
      }
    }
    return !piece->empty();
  }

 private:
  bool ended_ = false;
  std::unique_ptr<BatchStream> stream_;
  std::unique_ptr<BatchEncoder> encoder_;
};

}  // namespace

std::unique_ptr<EncodedStream> EncodeStream(std::unique_ptr<BatchStream> stream,
                                            std::unique_ptr<BatchEncoder> encoder) {
  return std::make_unique<SerialEncodedStream>(std::move(stream), std::move(encoder));
}

absl::StatusOr<std::unique_ptr<EncodedStream>> ExecuteEncoded(ExecutionPlanPtr plan,
                                                              std::shared_ptr<TaskContext> context,
                                                              BatchEncoderFactory make_encoder) {
  if (plan->output_partitions() == 1) {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> stream,
                            ExecuteStream(std::move(plan), std::move(context)));
    return EncodeStream(std::move(stream), make_encoder());
  }
  return MergePartitionsEncoded(std::move(plan), std::move(context), std::move(make_encoder));
}

absl::StatusOr<std::unique_ptr<BatchStream>> ExecuteStream(ExecutionPlanPtr plan,
                                                           std::shared_ptr<TaskContext> context,
                                                           int64_t handoff_rows) {
  if (plan->output_partitions() == 1) {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> stream, plan->Execute(0, context));
    return std::make_unique<PlanOwningStream>(std::move(plan), std::move(stream));
  }
  return MergePartitions(std::move(plan), std::move(context), handoff_rows);
}

absl::StatusOr<std::vector<Batch>> Collect(ExecutionPlanPtr plan,
                                           std::shared_ptr<TaskContext> context) {
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> stream,
                          ExecuteStream(std::move(plan), std::move(context)));
  std::vector<Batch> batches;
  for (;;) {
    Batch batch;
    STRATA_ASSIGN_OR_RETURN(bool more, stream->Next(&batch));
    if (!more) {
      break;
    }
    if (batch.length() > 0) {
      batches.push_back(batch.Compact());
    }
  }
  return batches;
}

}  // namespace strata::exec
