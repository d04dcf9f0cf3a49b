#include "io/cairo_util.hpp"

#include "analysis/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace vigia::io {

void write_png(cairo_surface_t* surface, const std::filesystem::path& path,
               const std::string& where) {
    struct FileCloser {
        void operator()(std::FILE* f) const noexcept { std::fclose(f); }
    };
    std::unique_ptr<std::FILE, FileCloser> file{std::fopen(path.c_str(), "wb")};
    if (!file)
        throw IoError{
            fmt::format("{}: cannot create {}: {}", where, path.string(), std::strerror(errno))};
    struct Sink {
        std::FILE* f;
        int error = 0;
    } sink{file.get()};
    const cairo_status_t st = cairo_surface_write_to_png_stream(
        surface,
        [](void* closure, const unsigned char* data, unsigned int length) {
            auto* s = static_cast<Sink*>(closure);
            if (std::fwrite(data, 1, length, s->f) == length) return CAIRO_STATUS_SUCCESS;
            s->error = errno;
            return CAIRO_STATUS_WRITE_ERROR;
        },
        &sink);
    if (st != CAIRO_STATUS_SUCCESS)
        throw IoError{
            fmt::format("{}: writing {} failed: {}", where, path.string(),
                        sink.error ? std::strerror(sink.error) : cairo_status_to_string(st))};
    if (std::fclose(file.release()) != 0)
        throw IoError{
            fmt::format("{}: writing {} failed: {}", where, path.string(), std::strerror(errno))};
}

} // namespace vigia::io
