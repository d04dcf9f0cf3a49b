#pragma once
/// \file
/// toml++ as every Vigía file includes it (never <toml++/toml.h> directly: one set of macros
/// for the whole program, so the header-only library has one definition).
///
/// toml++ 3.3.0 checks its parser's state with TOML_ASSERT_ASSUME: an assertion in a debug
/// build, but an optimiser assumption in a release one (NDEBUG), where a malformed manifest
/// that breaks one (`x = 1979-05-27T/7:32:00Z`, `[ = "x"]`, found by fuzz_manifest) is
/// undefined behaviour. Here each check stays a check in every build and throws
/// TomlCheckFailed, which the manifest reader reports as a manifest error with its line.

#include <stdexcept>
#include <string>

namespace vigia::engine::detail {

/// A toml++ internal check that failed on the text it was reading.
struct TomlCheckFailed : std::logic_error {
    using std::logic_error::logic_error;
};

[[noreturn]] inline void toml_check_failed(const char* expr, const char* file, int line) {
    std::string where{file};
    if (const auto slash = where.rfind('/'); slash != std::string::npos) where.erase(0, slash + 1);
    throw TomlCheckFailed{std::string{expr} + " (" + where + ":" + std::to_string(line) + ")"};
}

} // namespace vigia::engine::detail

#ifdef TOMLPLUSPLUS_H
#error "toml++ was included before engine/toml.hpp: include it only through engine/toml.hpp"
#endif

#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr)                                                                          \
    ((expr) ? static_cast<void>(0)                                                                 \
            : ::vigia::engine::detail::toml_check_failed(#expr, __FILE__, __LINE__))
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")
