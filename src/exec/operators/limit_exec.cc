// LimitExec (skip and fetch over a single partition) and LocalLimitExec (fetch per partition).
// Both stop pulling, and release, their input as soon as the limit is reached, so producers
// further down (scans, parallel merges) stop promptly.
#include <limits>
#include <numeric>

#include "common/status.h"
#include "exec/operators.h"
#include "exec/operators/plan_node.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

class LimitStream final : public BatchStream {
 public:
  LimitStream(std::unique_ptr<BatchStream> input, int64_t skip, std::optional<int64_t> fetch)
      : input_(std::move(input)),
        skip_(skip),
        remaining_(fetch.value_or(std::numeric_limits<int64_t>::max())) {}

  absl::StatusOr<bool> Next(Batch* out) override {
    while (remaining_ > 0) {
      Batch batch;
      STRATA_ASSIGN_OR_RETURN(bool more, input_->Next(&batch));
      if (!more) {
        break;
      }
      int64_t n = batch.length();
      if (skip_ >= n) {
        skip_ -= n;
        continue;
      }
      int64_t start = skip_;
      skip_ = 0;
      int64_t take = std::min(n - start, remaining_);
      remaining_ -= take;
      if (start == 0 && take == n) {
        *out = std::move(batch);
      } else {
        SelectionVector rows(static_cast<size_t>(take));
        if (batch.has_selection()) {
          const SelectionVector& selection = *batch.selection();
          std::copy(selection.begin() + start, selection.begin() + start + take, rows.begin());
        } else {
          std::iota(rows.begin(), rows.end(), static_cast<uint32_t>(start));
        }
        *out = Batch(batch.schema(),
                     batch.columns(),
                     batch.num_rows(),
                     std::make_shared<const SelectionVector>(std::move(rows)));
      }
      if (remaining_ == 0) {
        input_.reset();
      }
      return true;
    }
    input_.reset();
    return false;
  }

 private:
  std::unique_ptr<BatchStream> input_;
  int64_t skip_;
  int64_t remaining_;
};

class LimitExec final : public PlanNode, public LimitExecParams {
 public:
  LimitExec(bool local, int64_t skip, std::optional<int64_t> fetch, ExecutionPlanPtr input)
      : PlanNode(input->schema()),
        local_(local),
        skip_(skip),
        fetch_(fetch),
        input_(std::move(input)) {}

  std::string_view name() const override { return local_ ? "LocalLimitExec" : "LimitExec"; }
  int64_t skip() const override { return skip_; }
  std::optional<int64_t> fetch() const override { return fetch_; }
  int output_partitions() const override { return local_ ? input_->output_partitions() : 1; }
  std::vector<ExecutionPlanPtr> children() const override { return {input_}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (children.size() != 1) {
      return absl::InvalidArgumentError("LimitExec takes one child");
    }
    if (local_) {
      return MakeLocalLimitExec(*fetch_, std::move(children[0]));
    }
    return MakeLimitExec(skip_, fetch_, std::move(children[0]));
  }
  std::string ToString() const override {
    if (local_) {
      return fmt::format("LocalLimitExec: fetch={}", *fetch_);
    }
    return fmt::format("LimitExec: skip={}, fetch={}",
                       skip_,
                       fetch_ ? fmt::format("{}", *fetch_) : std::string("None"));
  }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int partition, const std::shared_ptr<TaskContext>& context) const override {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> input,
                            input_->Execute(partition, context));
    return std::make_unique<LimitStream>(std::move(input), skip_, fetch_);
  }

 private:
  bool local_;
  int64_t skip_;
  std::optional<int64_t> fetch_;
  ExecutionPlanPtr input_;
};

}  // namespace

absl::StatusOr<ExecutionPlanPtr> MakeLimitExec(int64_t skip,
                                               std::optional<int64_t> fetch,
                                               ExecutionPlanPtr input) {
  if (skip < 0 || (fetch && *fetch < 0)) {
    return absl::InvalidArgumentError("LimitExec: negative skip or fetch");
  }
  if (input->output_partitions() != 1) {
    return absl::InvalidArgumentError(fmt::format(
        "LimitExec requires a single input partition, got {}", input->output_partitions()));
  }
  return std::make_shared<LimitExec>(false, skip, fetch, std::move(input));
}

ExecutionPlanPtr MakeLocalLimitExec(int64_t fetch, ExecutionPlanPtr input) {
  return std::make_shared<LimitExec>(true, 0, std::max<int64_t>(fetch, 0), std::move(input));
}

}  // namespace strata::exec
