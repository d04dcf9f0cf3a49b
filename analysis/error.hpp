#pragma once
/// \file
/// The error hierarchy shared by every module. The CLI maps the category to an exit code
/// (UsageError → 2, everything else → 1) in exactly one place, apps/vigia/main.cpp.

#include <stdexcept>

namespace vigia {

/// Base of every error Vigía raises on purpose. The message says where, what was found,
/// what was expected and, where possible, how to fix it.
struct VigiaError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
/// Bad command line or manifest (exit 2; a manifest that is missing is an InputError).
struct UsageError : VigiaError {
    using VigiaError::VigiaError;
};
/// Bad data: a file, layer, field or row that cannot be used as it is (exit 1).
struct InputError : VigiaError {
    using VigiaError::VigiaError;
};
/// A file could not be opened, created, written or renamed (exit 1).
struct IoError : VigiaError {
    using VigiaError::VigiaError;
};

} // namespace vigia
