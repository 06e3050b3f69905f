package dev.stigmem.loader.internal.archive;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The budget shared by archives read at the same time: never over its capacity, served in order, interruptible. */
class MemoryBudgetTests {

    @Test
    void grantsAreGivenBackOnceAndNeverExceedTheCapacity() {
        MemoryBudget budget = new MemoryBudget(100);
        MemoryBudget.Grant a = budget.take(60);
        MemoryBudget.Grant b = budget.take(40);
        assertThat(budget.inUse()).isEqualTo(100);
        a.close();
        a.close();
        assertThat(budget.inUse()).isEqualTo(40);
        b.close();
        assertThat(budget.inUse()).isZero();
        assertThatThrownBy(() -> budget.take(101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("101 bytes requested from a budget of 100");
    }

    @Test
    void aRequestWaitsUntilEnoughIsFreeAndLaterSmallRequestsDoNotOvertakeIt() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        MemoryBudget.Grant held = budget.take(90);
        List<String> order = new CopyOnWriteArrayList<>();
        Thread large = new Thread(() -> {
            // 95 bytes: while the large grant is held the small request cannot fit, so the order
            // recorded below is the order of the grants, not of the threads' scheduling.
            try (MemoryBudget.Grant g = budget.take(95)) {
                order.add("large");
            }
        });
        large.start();
        awaitWaiting(large);
        // 10 bytes are free, but the large request came first: the small one waits behind it.
        Thread small = new Thread(() -> {
            try (MemoryBudget.Grant g = budget.take(10)) {
                order.add("small");
            }
        });
        small.start();
        awaitWaiting(small);
        assertThat(order).isEmpty();
        held.close();
        large.join(10_000);
        small.join(10_000);
        assertThat(order).containsExactly("large", "small");
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void anInterruptedWaiterGivesUpWithoutBlockingThoseBehindIt() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        MemoryBudget.Grant held = budget.take(100);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch behindDone = new CountDownLatch(1);
        Thread first = new Thread(() -> {
            try {
                budget.take(50).close();
            } catch (CancellationException e) {
                failures.add(e);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            }
        });
        first.start();
        awaitWaiting(first);
        Thread behind = new Thread(() -> {
            budget.take(50).close();
            behindDone.countDown();
        });
        behind.start();
        awaitWaiting(behind);
        first.interrupt();
        first.join(10_000);
        assertThat(failures).singleElement().isInstanceOf(CancellationException.class);
        held.close();
        assertThat(behindDone.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.inUse()).isZero();
    }

    private static void awaitWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
    }
}
