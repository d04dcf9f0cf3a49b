#pragma once
/// \file
/// A minimal fork-join loop: [0, n) split into contiguous chunks, one per worker thread.
/// Results must be written to disjoint slots so the outcome never depends on scheduling.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace vigia::analysis {

namespace detail {
/// The most worker threads a process may use (`--threads`); 0 = no bound.
inline std::atomic<unsigned> worker_limit{0};
} // namespace detail

/// Bounds the worker threads of every parallel loop of the process (`vigia run --threads N`,
/// so a scheduler can pack tasks); 0 lifts the bound. Results never depend on it: every loop
/// writes disjoint slots, and reductions are combined in a fixed order.
inline void set_worker_limit(unsigned n) noexcept {
    detail::worker_limit = n;
}

/// Number of worker threads: the machine's cores (at least 1), at most the limit.
inline unsigned worker_count() noexcept {
    unsigned n = std::thread::hardware_concurrency();
    if (n == 0) n = 1;
    const unsigned limit = detail::worker_limit;
    return limit > 0 && limit < n ? limit : n;
}

/// Calls body(worker, begin, end) on `workers` contiguous chunks of [0, n) in parallel and
/// rethrows the first exception any chunk threw.
template <typename Body>
void parallel_chunks(std::size_t n, Body&& body, unsigned workers = worker_count()) {
    workers = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(workers, n)));
    if (workers <= 1) {
        body(0u, std::size_t{0}, n);
        return;
    }
    std::vector<std::exception_ptr> errors(workers);
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (unsigned w = 0; w < workers; ++w) {
        const std::size_t begin = n * w / workers;
        const std::size_t end = n * (w + 1) / workers;
        threads.emplace_back([&, w, begin, end] {
            try {
                body(w, begin, end);
            } catch (...) {
                errors[w] = std::current_exception();
            }
        });
    }
    for (auto& t : threads)
        t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

} // namespace vigia::analysis
