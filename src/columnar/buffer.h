// A growable, 64-byte aligned byte buffer: the storage under column vectors. Trivially copyable
// values live in it directly, so typed views are plain pointers that kernels can vectorize.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

#include "common/check.h"

namespace strata {

class Buffer {
 public:
  static constexpr size_t kAlignment = 64;

  Buffer() = default;
  ~Buffer() { Free(); }
  Buffer(const Buffer& other) { *this = other; }
  Buffer& operator=(const Buffer& other) {
    if (this != &other) {
      Resize(0);
      Reserve(other.size_);
      if (other.size_ > 0) {
        std::memcpy(data_, other.data_, other.size_);
      }
      size_ = other.size_;
    }
    return *this;
  }
  Buffer(Buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    if (this != &other) {
      Free();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  template <typename T>
  T* as() {
    return reinterpret_cast<T*>(data_);
  }
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data_);
  }

  void Reserve(size_t capacity) {
    if (capacity <= capacity_) {
      return;
    }
    size_t new_capacity = capacity_ == 0 ? 64 : capacity_;
    while (new_capacity < capacity) {
      new_capacity *= 2;
    }
    auto* fresh =
        static_cast<uint8_t*>(::operator new (new_capacity, std::align_val_t{kAlignment}));
    if (size_ > 0) {
      std::memcpy(fresh, data_, size_);
    }
    Free();
    data_ = fresh;
    capacity_ = new_capacity;
  }
  // Grows or shrinks to `size` bytes; new bytes are zero.
  void Resize(size_t size) {
    Reserve(size);
    if (size > size_) {
      std::memset(data_ + size_, 0, size - size_);
    }
    size_ = size;
  }
  // Grows or shrinks to `size` bytes; new bytes are unspecified (for a caller that writes them
  // all next, as a gather does).
  void ResizeForOverwrite(size_t size) {
    Reserve(size);
    size_ = size;
  }
  void Append(const void* bytes, size_t n) {
    if (size_ + n > capacity_) {
      Reserve(size_ + n);
    }
    if (n > 0) {
      std::memcpy(data_ + size_, bytes, n);
    }
    size_ += n;
  }
  template <typename T>
  void AppendValue(const T& value) {
    Append(&value, sizeof(T));
  }

 private:
  void Free() {
    if (data_ != nullptr) {
      ::operator delete (data_, std::align_val_t{kAlignment});
      data_ = nullptr;
    }
    capacity_ = 0;
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace strata
