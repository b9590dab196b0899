// Column vector storage and mutation.
#include "columnar/column.h"

#include <limits>

#include "columnar/dictionary_interner.h"

namespace strata {

Column::Column(TypeId type, std::shared_ptr<StringDictionary> dictionary)
    : type_(type), dictionary_(std::move(dictionary)) {
  if (type_ == TypeId::kDictionary && dictionary_ == nullptr) {
    dictionary_ = std::make_shared<StringDictionary>();
  }
}

void Column::ShareDictionary(std::shared_ptr<StringDictionary> same) {
  STRATA_CHECK(type_ == TypeId::kDictionary && same != nullptr);
  STRATA_CHECK_EQ(same->size(), dictionary_->size());
  STRATA_DCHECK(SameValues(*same, *dictionary_));
  dictionary_ = std::move(same);
}

std::string_view Column::GetString(int64_t i) const {
  STRATA_DCHECK_LT(i, size_);
  if (type_ == TypeId::kDictionary) {
    return dictionary_->Value(values_.as<int32_t>()[i]);
  }
  STRATA_DCHECK(type_ == TypeId::kString);
  StringRef ref = values_.as<StringRef>()[i];
  return std::string_view(reinterpret_cast<const char*>(heap_.data()) + ref.offset, ref.length);
}

void Column::Reserve(int64_t rows) {
  values_.Reserve(static_cast<size_t>(rows) * static_cast<size_t>(FixedWidth(type_)));
  if (has_validity_) {
    validity_.Reserve(rows);
  }
}

void Column::EnsureValidity() {
  if (!has_validity_) {
    validity_.Resize(size_, true);
    has_validity_ = true;
  }
}

void Column::AppendNull() {
  AppendNulls(1);
}

void Column::AppendNulls(int64_t count) {
  EnsureValidity();
  values_.Resize(values_.size() + static_cast<size_t>(count) * FixedWidth(type_));
  size_ += count;
  validity_.Resize(size_, false);
  null_count_ += count;
}

StringRef Column::AppendToHeap(std::string_view v) {
  STRATA_CHECK_LE(heap_.size() + v.size(), size_t{std::numeric_limits<uint32_t>::max()});
  StringRef ref{static_cast<uint32_t>(heap_.size()), static_cast<uint32_t>(v.size())};
  heap_.Append(v.data(), v.size());
  return ref;
}

void Column::AppendString(std::string_view v) {
  if (type_ == TypeId::kDictionary) {
    AppendFixed(dictionary_->GetOrInsert(v));
    return;
  }
  STRATA_DCHECK(type_ == TypeId::kString);
  AppendFixed(AppendToHeap(v));
}

void Column::SetNull(int64_t i) {
  STRATA_DCHECK_LT(i, size_);
  EnsureValidity();
  if (validity_.Get(i)) {
    validity_.Set(i, false);
    ++null_count_;
  }
  std::memset(values_.data() + i * FixedWidth(type_), 0, static_cast<size_t>(FixedWidth(type_)));
}

void Column::SetString(int64_t i, std::string_view v) {
  if (type_ == TypeId::kDictionary) {
    SetFixed(i, dictionary_->GetOrInsert(v));
    return;
  }
  STRATA_DCHECK(type_ == TypeId::kString);
  SetFixed(i, AppendToHeap(v));
}

void Column::ResizeFixed(int64_t rows) {
  STRATA_DCHECK(type_ != TypeId::kString);
  STRATA_DCHECK(rows >= size_);
  values_.Resize(static_cast<size_t>(rows) * static_cast<size_t>(FixedWidth(type_)));
  size_ = rows;
  if (has_validity_) {
    validity_.Resize(size_, true);
  }
}

void Column::ResizeFixedForOverwrite(int64_t rows) {
  STRATA_DCHECK(type_ != TypeId::kString);
  STRATA_DCHECK(rows >= size_);
  values_.ResizeForOverwrite(static_cast<size_t>(rows) * static_cast<size_t>(FixedWidth(type_)));
  size_ = rows;
  if (has_validity_) {
    validity_.Resize(size_, true);
  }
}

void Column::SetValidity(Bitmap validity) {
  STRATA_CHECK_EQ(validity.size(), size_);
  int64_t valid = validity.CountSet();
  if (valid == size_) {
    has_validity_ = false;
    validity_ = Bitmap();
    null_count_ = 0;
    return;
  }
  validity_ = std::move(validity);
  has_validity_ = true;
  null_count_ = size_ - valid;
}

size_t Column::MemoryUsage() const {
  return values_.capacity() + heap_.capacity() + validity_.MemoryUsage();
}

}  // namespace strata
