#include "io/partial_files.hpp"

#include <cerrno>
#include <csignal>
#include <string>
#include <sys/types.h>

namespace vigia::io {

namespace fs = std::filesystem;

namespace {

/// The pid of a partial file's name (".x.partial-1234.gpkg", ".x.partial-1234-2.png"), or −1.
long partial_pid(const std::string& name) {
    if (name.empty() || name[0] != '.') return -1;
    const std::string tag = ".partial-";
    const auto p = name.rfind(tag);
    if (p == std::string::npos) return -1;
    std::size_t i = p + tag.size();
    long pid = 0;
    std::size_t digits = 0;
    while (i < name.size() && name[i] >= '0' && name[i] <= '9' && digits < 10) {
        pid = pid * 10 + (name[i] - '0');
        ++i;
        ++digits;
    }
    if (digits == 0 || (i < name.size() && name[i] != '.' && name[i] != '-')) return -1;
    return pid;
}

bool alive(long pid) {
    if (pid <= 0) return true; // not ours to judge
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

} // namespace

std::vector<fs::path> remove_stale_partials(const fs::path& dir) {
    std::vector<fs::path> removed;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return removed;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (!e.is_regular_file(ec)) continue;
        const long pid = partial_pid(e.path().filename().string());
        if (pid < 0 || alive(pid)) continue;
        if (fs::remove(e.path(), ec)) removed.push_back(e.path());
    }
    return removed;
}

} // namespace vigia::io
