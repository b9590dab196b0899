// The function registry.
#include "exec/function.h"

#include "exec/function_internal.h"

namespace strata::exec {

const FunctionRegistry& FunctionRegistry::Default() {
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    RegisterScalarFunctions(r);
    RegisterAggregateFunctions(r);
    return r;
  }();
  return *registry;
}

const ScalarFunction* FunctionRegistry::FindScalar(std::string_view name) const {
  for (const auto& f : scalars_) {
    if (f->name == name) {
      return f.get();
    }
  }
  return nullptr;
}

const AggregateFunction* FunctionRegistry::FindAggregate(std::string_view name) const {
  for (const auto& f : aggregates_) {
    if (f->name == name) {
      return f.get();
    }
  }
  return nullptr;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& f : scalars_) {
    names.push_back(f->name);
  }
  for (const auto& f : aggregates_) {
    names.push_back(f->name);
  }
  return names;
}

absl::StatusOr<FunctionSignature> ResolveScalarCall(const ScalarFunction& function,
                                                    const std::vector<TypeId>& args,
                                                    const std::vector<const Scalar*>& constants) {
  if (!function.resolve_with_constants) {
    return function.resolve(args);
  }
  std::vector<const Scalar*> padded = constants;
  padded.resize(args.size(), nullptr);
  return function.resolve_with_constants(args, padded);
}

void FunctionRegistry::Register(ScalarFunction function) {
  scalars_.push_back(std::make_unique<ScalarFunction>(std::move(function)));
}

void FunctionRegistry::Register(AggregateFunction function) {
  aggregates_.push_back(std::make_unique<AggregateFunction>(std::move(function)));
}

}  // namespace strata::exec
