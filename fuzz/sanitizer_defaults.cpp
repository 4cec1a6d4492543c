// Linked into every executable that runs targets in process. In sanitizer builds the system
// target is ASan's allocator: a request that must fail has to return NULL with errno, as
// glibc's does, instead of ending the process with an allocation-size report.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }
