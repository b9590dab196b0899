// The parallel merge of partitions with consumer help.
#include "exec/operators/partition_merge.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

#include "exec/scheduler.h"

namespace strata::exec {
namespace {

// What a merge hands its consumer: the batches themselves, one at a time.
struct BatchItems {
  using Item = Batch;
  struct State {};

  static State MakeState() { return {}; }
  // The consumer may pass the batch it got last time: an item that ends empty must not be it.
  static void Reset(Batch* item) { *item = Batch(); }
  static absl::Status Map(State& /*state*/, Batch&& batch, Batch* item) {
    *item = std::move(batch);
    return absl::OkStatus();
  }
  static bool Empty(const Batch& batch) { return batch.length() == 0; }
  static bool Full(const Batch& batch) { return batch.length() > 0; }
};

// A partition's batches that change hands together (BatchGroupItems).
struct BatchGroup {
  std::vector<Batch> batches;
  int64_t rows = 0;
};

// What a gathering merge hands its consumer: a partition's batches in groups of at least `rows`
// rows (or to its end), so that a consumer that reads the whole result is woken a few times
// rather than once per batch.
struct BatchGroupItems {
  using Item = BatchGroup;
  struct State {};

  State MakeState() const { return {}; }
  static void Reset(BatchGroup* item) {
    item->batches.clear();
    item->rows = 0;
  }
  static absl::Status Map(State& /*state*/, Batch&& batch, BatchGroup* item) {
    item->rows += batch.length();
    // Compacted here, on the partition's thread (in parallel with the other partitions), not on
    // the consumer's: the consumer keeps every batch, and a compact one keeps no unselected rows.
    item->batches.push_back(batch.has_selection() ? batch.Compact() : std::move(batch));
    return absl::OkStatus();
  }
  static bool Empty(const BatchGroup& item) { return item.batches.empty(); }
  bool Full(const BatchGroup& item) const { return item.rows >= rows; }

  int64_t rows = 0;
};

// The consumer side of a gathering merge, before its groups are handed out a batch at a time.
class BatchGroupStream {
 public:
  virtual ~BatchGroupStream() = default;
  virtual absl::StatusOr<bool> Next(BatchGroup* group) = 0;
};

// What an encoding merge hands its consumer: the bytes of a partition's batches, encoded by that
// partition's own encoder on the thread that produced them, gathered into pieces of about
// kEncodedPieceBytes so that a large result changes hands (and threads) a few times, not once per
// batch.
struct EncodedItems {
  using Item = std::string;
  struct State {
    std::unique_ptr<BatchEncoder> encoder;
    // The capacity the partition's last piece grew to: the next one starts with it.
    size_t piece_capacity = 0;
  };

  explicit EncodedItems(BatchEncoderFactory make) : make_encoder(std::move(make)) {}
  State MakeState() const { return State{make_encoder(), 0}; }
  static void Reset(std::string* item) { item->clear(); }
  static absl::Status Map(State& state, Batch&& batch, std::string* item) {
    if (item->empty() && item->capacity() < state.piece_capacity) {
      item->reserve(state.piece_capacity);
    }
    const size_t before = item->size();
    if (absl::Status encoded = state.encoder->Encode(batch, item); !encoded.ok()) {
      return encoded;
    }
    // The next batches are likely about as large: make room for the whole piece once, instead
    // of copying it every time the string doubles.
    const size_t added = item->size() - before;
    if (item->size() < kEncodedPieceBytes && item->capacity() < item->size() + added) {
      item->reserve(kEncodedPieceBytes + added);
    }
    state.piece_capacity = std::max(state.piece_capacity, item->capacity());
    return absl::OkStatus();
  }
  static bool Empty(const std::string& bytes) { return bytes.empty(); }
  static bool Full(const std::string& bytes) { return bytes.size() >= kEncodedPieceBytes; }

  BatchEncoderFactory make_encoder;
};

// State shared by the consumer stream and the worker tasks. Worker tasks hold it by shared_ptr
// because queued tasks may run after the consumer is gone; they then see `stopped` and leave.
// `Items` turns a partition's batches into what the consumer receives (see BatchItems).
template <typename Items>
struct MergeState {
  using Item = typename Items::Item;

  struct Partition {
    // Used only by the thread that claimed the partition (or the consumer's destructor once no
    // worker is active).
    std::unique_ptr<BatchStream> stream;
    typename Items::State state;
    bool ended = false;  // its stream returned false (used like `stream`)
    std::atomic<bool> claimed{false};
    int queued = 0;  // guarded by mu
  };

  explicit MergeState(Items items_in) : items(std::move(items_in)) {}

  // Pulls partition p's next item (non-empty, gathering batches until Items::Full or the
  // partition's end): false at its end.
  absl::StatusOr<bool> NextItem(Partition& partition, Item* item) {
    Items::Reset(item);
    while (!partition.ended) {
      Batch batch;
      absl::StatusOr<bool> more = partition.stream->Next(&batch);
      if (!more.ok()) {
        return more;
      }
      if (!*more) {
        partition.ended = true;
        break;
      }
      if (batch.length() == 0) {
        continue;
      }
      if (absl::Status mapped = items.Map(partition.state, std::move(batch), item); !mapped.ok()) {
        return mapped;
      }
      if (items.Full(*item)) {
        return true;
      }
    }
    return !Items::Empty(*item);
  }

  Items items;

  ExecutionPlanPtr input;  // declared first: destroyed after the streams that point into it
  std::shared_ptr<TaskContext> context;
  std::vector<std::unique_ptr<Partition>> partitions;

  std::mutex mu;
  std::condition_variable consumer_cv;     // a batch, an end, an error, or a worker leaving
  std::condition_variable producer_cv;     // queue space or stop
  std::deque<std::pair<int, Item>> ready;  // guarded by mu
  absl::Status error;                      // guarded by mu
  bool stopped = false;                    // guarded by mu
  int unfinished = 0;                      // guarded by mu
  int active_workers = 0;                  // guarded by mu

  // Claims the next unclaimed partition, or returns -1.
  int Claim() {
    for (size_t p = 0; p < partitions.size(); ++p) {
      if (!partitions[p]->claimed.load(std::memory_order_relaxed) &&
          !partitions[p]->claimed.exchange(true)) {
        return static_cast<int>(p);
      }
    }
    return -1;
  }

  void Fail(absl::Status status) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (error.ok()) {
        error = std::move(status);
      }
      stopped = true;
    }
    consumer_cv.notify_all();
    producer_cv.notify_all();
  }

  // Marks partition p finished and releases its stream (called by its claimer).
  void Finish(int p) {
    partitions[static_cast<size_t>(p)]->stream.reset();
    {
      std::lock_guard<std::mutex> lock(mu);
      --unfinished;
    }
    consumer_cv.notify_all();
  }

  // Runs partition p on a worker until it ends, fails or the merge stops.
  void Produce(int p) {
    Partition& partition = *partitions[static_cast<size_t>(p)];
    for (;;) {
      if (absl::Status cancelled = context->CheckCancelled(); !cancelled.ok()) {
        Fail(std::move(cancelled));
        return;
      }
      Item item;
      absl::StatusOr<bool> more = NextItem(partition, &item);
      if (!more.ok()) {
        Fail(std::move(more).status());
        return;
      }
      if (!*more) {
        Finish(p);
        return;
      }
      {
        std::unique_lock<std::mutex> lock(mu);
        producer_cv.wait(lock, [&] { return stopped || partition.queued < kMergeQueueDepth; });
        if (stopped) {
          return;
        }
        ready.emplace_back(p, std::move(item));
        ++partition.queued;
      }
      consumer_cv.notify_one();
    }
  }

  static void RunWorker(const std::shared_ptr<MergeState>& state) {
    {
      std::lock_guard<std::mutex> lock(state->mu);
      if (state->stopped) {
        return;
      }
      ++state->active_workers;
    }
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(state->mu);
        if (state->stopped) {
          break;
        }
      }
      int p = state->Claim();
      if (p < 0) {
        break;
      }
      state->Produce(p);
    }
    {
      std::lock_guard<std::mutex> lock(state->mu);
      --state->active_workers;
    }
    state->consumer_cv.notify_all();
  }
};

// The consumer side of a merge; Stream is the interface it implements (BatchStream or
// EncodedStream), whose Next takes an Items::Item.
template <typename Items, typename Stream>
class MergeStream final : public Stream {
 public:
  using State = MergeState<Items>;
  using Item = typename Items::Item;

  MergeStream(ExecutionPlanPtr input, std::shared_ptr<TaskContext> context, Items items)
      : state_(std::make_shared<State>(std::move(items))) {
    state_->input = std::move(input);
    state_->context = std::move(context);
  }

  ~MergeStream() override {
    std::unique_lock<std::mutex> lock(state_->mu);
    state_->stopped = true;
    state_->producer_cv.notify_all();
    state_->consumer_cv.wait(lock, [&] { return state_->active_workers == 0; });
    state_->ready.clear();
    lock.unlock();
    // No worker is running and none will touch a stream again.
    for (auto& partition : state_->partitions) {
      partition->stream.reset();
    }
  }

  absl::StatusOr<bool> Next(Item* item) override {
    if (!started_) {
      started_ = true;
      absl::Status status = Start();
      if (!status.ok()) {
        state_->Fail(status);
        return status;
      }
    }
    State& s = *state_;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(s.mu);
        for (;;) {
          if (!s.error.ok()) {
            return s.error;
          }
          if (!s.ready.empty()) {
            auto& [p, ready_item] = s.ready.front();
            *item = std::move(ready_item);
            --s.partitions[static_cast<size_t>(p)]->queued;
            s.ready.pop_front();
            lock.unlock();
            s.producer_cv.notify_all();
            return true;
          }
          if (s.unfinished == 0) {
            return false;
          }
          if (s.context->cancelled()) {
            lock.unlock();
            s.Fail(s.context->CheckCancelled());
            lock.lock();
            continue;
          }
          if (own_ >= 0) {
            break;
          }
          own_ = s.Claim();
          if (own_ >= 0) {
            break;
          }
          // Every unfinished partition is being run by a worker that has started: wait for it.
          // The timeout re-checks cancellation of a query whose producers are all busy.
          s.consumer_cv.wait_for(lock, std::chrono::milliseconds(50));
        }
      }
      // Consumer help: pull from our own partition on this thread.
      typename State::Partition& partition = *s.partitions[static_cast<size_t>(own_)];
      absl::StatusOr<bool> more = s.NextItem(partition, item);
      if (!more.ok()) {
        s.Fail(more.status());
        return std::move(more).status();
      }
      if (!*more) {
        s.Finish(own_);
        own_ = -1;
        continue;
      }
      return true;
    }
  }

 private:
  absl::Status Start() {
    State& s = *state_;
    int n = s.input->output_partitions();
    s.partitions.reserve(static_cast<size_t>(n));
    for (int p = 0; p < n; ++p) {
      auto partition = std::make_unique<typename State::Partition>();
      partition->state = s.items.MakeState();
      absl::StatusOr<std::unique_ptr<BatchStream>> stream = s.input->Execute(p, s.context);
      if (!stream.ok()) {
        return stream.status();
      }
      partition->stream = std::move(stream).value();
      s.partitions.push_back(std::move(partition));
    }
    s.unfinished = n;
    Scheduler& scheduler = Scheduler::Default();
    // The consumer takes a partition itself whenever it would otherwise wait, so one worker fewer
    // than partitions suffices.
    int workers = std::min(n - 1, scheduler.num_threads());
    for (int i = 0; i < workers; ++i) {
      scheduler.Submit([state = state_] { State::RunWorker(state); });
    }
    return absl::OkStatus();
  }

  std::shared_ptr<State> state_;
  bool started_ = false;
  int own_ = -1;  // the partition this consumer claimed and pulls from, or -1
};

// The batches of a gathering merge's groups, one at a time.
class UngroupStream final : public BatchStream {
 public:
  explicit UngroupStream(std::unique_ptr<BatchGroupStream> groups) : groups_(std::move(groups)) {}

  absl::StatusOr<bool> Next(Batch* batch) override {
    while (next_ >= group_.batches.size()) {
      next_ = 0;
      absl::StatusOr<bool> more = groups_->Next(&group_);
      if (!more.ok() || !*more) {
        group_.batches.clear();
        return more;
      }
    }
    *batch = std::move(group_.batches[next_++]);
    return true;
  }

 private:
  std::unique_ptr<BatchGroupStream> groups_;
  BatchGroup group_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<BatchStream> MergePartitions(ExecutionPlanPtr input,
                                             std::shared_ptr<TaskContext> context,
                                             int64_t handoff_rows) {
  if (handoff_rows > 1) {
    return std::make_unique<UngroupStream>(
        std::make_unique<MergeStream<BatchGroupItems, BatchGroupStream>>(
            std::move(input), std::move(context), BatchGroupItems{handoff_rows}));
  }
  return std::make_unique<MergeStream<BatchItems, BatchStream>>(
      std::move(input), std::move(context), BatchItems{});
}

std::unique_ptr<EncodedStream> MergePartitionsEncoded(ExecutionPlanPtr input,
                                                      std::shared_ptr<TaskContext> context,
                                                      BatchEncoderFactory make_encoder) {
  return std::make_unique<MergeStream<EncodedItems, EncodedStream>>(
      std::move(input), std::move(context), EncodedItems(std::move(make_encoder)));
}

}  // namespace strata::exec
