#pragma once
// Raw memory for the base containers. The LibOS serves it from its own heap
// (libos/mm/heap); host-side builds of the base library serve it from malloc.
#include <cstddef>
#include <new>
#include <utility>

namespace cella::base {

// Returns nullptr when memory is exhausted; never panics.
void* allocate(std::size_t size);
void deallocate(void* ptr);

}  // namespace cella::base
