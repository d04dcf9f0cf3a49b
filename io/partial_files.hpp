#pragma once
/// \file
/// Every output is first written to a hidden partial file beside its target,
/// `.<name>.partial-<pid>[-…].<ext>` (GeoPackage journals too), and renamed when complete. A
/// run that was killed leaves its partial files behind; the next run removes them.

#include <filesystem>
#include <vector>

namespace vigia::io {

/// The partial files in `dir` whose process is no longer running (its pid is gone), removed;
/// returns what was removed. Files of a running process, and every other file, are kept.
std::vector<std::filesystem::path> remove_stale_partials(const std::filesystem::path& dir);

} // namespace vigia::io
