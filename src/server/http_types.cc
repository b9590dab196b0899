// Request target parsing and look-ups; streams made ahead.
#include "server/http_types.h"

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"

namespace strata::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string DecodeComponent(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

const std::string* HttpRequest::Param(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) {
      return &v;
    }
  }
  return nullptr;
}

const std::string* HttpRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? nullptr : &it->second;
}

void ParseTarget(std::string_view target,
                 std::string* path,
                 std::vector<std::pair<std::string, std::string>>* query) {
  size_t question = target.find('?');
  *path = std::string(target.substr(0, question));
  query->clear();
  if (question == std::string_view::npos) {
    return;
  }
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      query->emplace_back(DecodeComponent(pair), std::string());
    } else {
      query->emplace_back(DecodeComponent(pair.substr(0, eq)),
                          DecodeComponent(pair.substr(eq + 1)));
    }
  }
}

namespace {

// ProducedAhead's state: the worker thread makes a piece when asked, and hands it over.
class AheadProducer {
 public:
  explicit AheadProducer(HttpBodyStream inner) : inner_(std::move(inner)) {}
  AheadProducer(const AheadProducer&) = delete;
  AheadProducer& operator=(const AheadProducer&) = delete;

  ~AheadProducer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) {
      worker_.join();
    }
  }

  absl::StatusOr<bool> Next(std::string* out) {
    if (!worker_.joinable()) {
      absl::StatusOr<bool> more = inner_(out);
      if (more.ok() && *more) {
        wanted_ = true;
        worker_ = std::thread([this] { Work(); });
      }
      return more;
    }
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return ready_; });
    ready_ = false;
    if (out->empty()) {
      out->swap(piece_);  // the buffers trade places: both keep their capacity
    } else {
      out->append(piece_);
    }
    piece_.clear();
    absl::StatusOr<bool> more = std::move(result_);
    if (more.ok() && *more) {
      wanted_ = true;
      lock.unlock();
      changed_.notify_all();
    }
    return more;
  }

 private:
  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      changed_.wait(lock, [this] { return wanted_ || stop_; });
      if (stop_) {
        return;
      }
      wanted_ = false;
      std::string piece = std::move(piece_);
      lock.unlock();
      absl::StatusOr<bool> more;
      try {
        more = inner_(&piece);
      } catch (const std::exception& e) {
        more = absl::InternalError(absl::StrCat("internal error: ", e.what()));
      }
      lock.lock();
      piece_ = std::move(piece);
      result_ = std::move(more);
      ready_ = true;
      changed_.notify_all();
    }
  }

  HttpBodyStream inner_;
  std::thread worker_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool wanted_ = false;  // the worker is to make the next piece
  bool ready_ = false;   // piece_ and result_ hold it
  bool stop_ = false;
  std::string piece_;
  absl::StatusOr<bool> result_ = false;
};

}  // namespace

HttpBodyStream ProducedAhead(HttpBodyStream inner) {
  auto producer = std::make_shared<AheadProducer>(std::move(inner));
  return [producer](std::string* out) { return producer->Next(out); };
}

}  // namespace strata::server
