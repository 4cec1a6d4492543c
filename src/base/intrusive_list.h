// base: a doubly linked list threaded through pointer fields of its elements, so it never
// allocates. An element is in at most one list per pair of link fields; `first`/`last` are null
// when the list is empty, and a removed element's links are null.
#pragma once

namespace hardalloc {

template <class T, T* T::*NEXT = &T::next, T* T::*PREV = &T::prev>
struct IntrusiveList {
  T* first = nullptr;
  T* last = nullptr;

  void push_front(T* e) {
    e->*PREV = nullptr;
    e->*NEXT = first;
    if (first != nullptr)
      first->*PREV = e;
    else
      last = e;
    first = e;
  }
  void push_back(T* e) {
    e->*NEXT = nullptr;
    e->*PREV = last;
    if (last != nullptr)
      last->*NEXT = e;
    else
      first = e;
    last = e;
  }
  void remove(T* e) {
    if (e->*PREV != nullptr)
      (e->*PREV)->*NEXT = e->*NEXT;
    else
      first = e->*NEXT;
    if (e->*NEXT != nullptr)
      (e->*NEXT)->*PREV = e->*PREV;
    else
      last = e->*PREV;
    e->*NEXT = e->*PREV = nullptr;
  }
  T* pop_front() {
    T* e = first;
    if (e != nullptr) remove(e);
    return e;
  }
};

}  // namespace hardalloc
