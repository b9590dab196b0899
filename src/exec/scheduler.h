// The process-wide task scheduler: one fixed pool of worker threads that runs the partitions of
// every query (CoalescePartitionsExec, ExecuteStream). Consumers of parallel work never depend on
// a free pool thread for progress (see operators/partition_merge.h), so nested parallelism
// cannot deadlock however small the pool is.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace strata::exec {

// A FIFO thread pool. Thread-safe. Tasks must not throw; a task that blocks occupies its thread.
class Scheduler {
 public:
  // Starts `threads` workers (at least 1).
  explicit Scheduler(int threads);
  // Finishes the tasks already submitted, then joins the workers.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // The shared pool, created on first use and never destroyed (queries may still be running in
  // detached threads at exit). Sized to the hardware threads, at least 2; the environment
  // variable STRATA_EXEC_THREADS overrides the size.
  static Scheduler& Default();

  // Queues `task` to run on a worker thread.
  void Submit(std::function<void()> task);

  int num_threads() const { return static_cast<int>(threads_.size()); }

 private:
  void WorkerLoop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace strata::exec
