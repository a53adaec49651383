/**
 * Guest RAM of a v86 machine: direct views on the emulator's memory, a shadow copy as of the
 * last capture, and the set of 4 KiB pages that changed since.
 *
 * Finding changed pages:
 * - 'mmu' (default): the guest runs with paging on, so the emulated MMU sets the dirty bit of
 *   a page table entry on the first write through it. A capture walks the page tables (a few
 *   thousand entries), takes the pages whose dirty bit is set, clears the bits and flushes
 *   v86's TLB so the next write sets them again, the way a hypervisor's dirty logging works.
 *   The page directory and page tables themselves are always compared (the MMU's own
 *   accessed/dirty bit writes are not tracked), and every candidate page is compared with
 *   the shadow so that rewritten-but-equal pages are not sent.
 *   When the guest has paging off, uses PAE, or switched page directories since the last
 *   capture, that capture falls back to a full scan.
 * - 'scan': compare all of RAM with the shadow (~1-2 ms for 16 MiB).
 */
import type { TypedArrayLike, V86Cpu } from './v86.ts';

export const PAGE = 4096;
const CR0_PG = 0x80000000;
const CR4_PSE = 0x10;
const CR4_PAE = 0x20;
const PTE_P = 0x1;
const PTE_D = 0x40;
const PDE_PS = 0x80;
/** scan granularity before narrowing down to pages */
const SCAN_BLOCK = 16 * PAGE;

export type DirtyTracking = 'mmu' | 'scan';

export interface RamStats {
  /** how the last capture found its pages */
  method: 'mmu' | 'scan' | 'full';
  /** pages compared with the shadow */
  compared: number;
  /** pages that differed */
  changed: number;
}

export interface RamDelta {
  pages: Uint32Array;
  data: Uint8Array;
}

export class GuestRam {
  readonly size: number;
  readonly pages: number;
  private ram8!: Uint8Array;
  private ram32!: Uint32Array;
  private cr!: Int32Array;
  private readonly shadow: Uint8Array;
  /** per page: the capture number that last marked it a candidate */
  private readonly mark: Uint32Array;
  private captureNo = 0;
  /** page directory the baseline was taken with (-1: none; forces a scan) */
  private baselineCr3 = -1;
  stats: RamStats = { method: 'full', compared: 0, changed: 0 };

  constructor(
    private readonly cpu: V86Cpu,
    public tracking: DirtyTracking,
  ) {
    this.size = cpu.memory_size[0];
    this.pages = this.size / PAGE;
    this.shadow = new Uint8Array(this.size);
    this.mark = new Uint32Array(this.pages);
    this.refreshViews();
  }

  /** views on wasm memory die when it grows; recreate them then */
  private refreshViews(): void {
    const buf = this.cpu.wasm_memory.buffer;
    if (this.ram8 && this.ram8.buffer === buf) return;
    const m: TypedArrayLike = this.cpu.mem8;
    if (m.byteOffset % 4 !== 0 || m.length !== this.size) throw new Error('src/vm: unexpected v86 memory layout');
    this.ram8 = new Uint8Array(buf, m.byteOffset, this.size);
    this.ram32 = new Uint32Array(buf, m.byteOffset, this.size / 4);
    const cr = this.cpu.cr;
    this.cr = new Int32Array(buf, cr.byteOffset, 8);
  }

  /** live view on guest RAM (valid until the next call into the emulator) */
  view(): Uint8Array {
    this.refreshViews();
    return this.ram8;
  }

  /** copy of RAM now; becomes the baseline */
  full(): Uint8Array {
    this.refreshViews();
    if (this.tracking === 'mmu') this.clearDirty();
    const copy = this.ram8.slice();
    this.shadow.set(copy);
    this.stats = { method: 'full', compared: this.pages, changed: this.pages };
    return copy;
  }

  /** write `ram` into the machine (restore) and make it the baseline */
  load(ram: Uint8Array): void {
    if (ram.length !== this.size) throw new Error(`src/vm: checkpoint RAM is ${ram.length} bytes, machine has ${this.size}`);
    this.refreshViews();
    this.ram8.set(ram);
    this.shadow.set(ram);
    this.cpu.full_clear_tlb();
    this.cpu.jit_clear_cache();
    // dirty bits in the loaded RAM are as the capture left them (cleared)
    this.baselineCr3 = this.pagingOk() ? this.cr[3] & ~0xfff : -1;
  }

  private pagingOk(): boolean {
    return (this.cr[0] & CR0_PG) !== 0 && (this.cr[4] & CR4_PAE) === 0;
  }

  /**
   * Clears all dirty bits and collects the candidate pages (dirty ones plus the paging
   * structures); false when the page tables cannot be trusted for this capture (paging off,
   * PAE, or a different page directory than at the last capture).
   */
  private clearDirty(collect?: number[], clear = true): boolean {
    if (!this.pagingOk()) {
      this.baselineCr3 = -1;
      return false;
    }
    const ram = this.ram32;
    const pages = this.pages;
    const mark = this.mark;
    const no = this.captureNo;
    const pse = (this.cr[4] & CR4_PSE) !== 0;
    const cr3 = this.cr[3] & ~0xfff;
    const trusted = cr3 === this.baselineCr3;
    this.baselineCr3 = cr3;
    const add = (p: number) => {
      if (collect && p < pages && mark[p] !== no) {
        mark[p] = no;
        collect.push(p);
      }
    };
    const pd = cr3 >>> 12;
    if (pd >= pages) {
      this.baselineCr3 = -1;
      return false;
    }
    add(pd);
    const pdBase = pd * 1024;
    for (let i = 0; i < 1024; i++) {
      const pde = ram[pdBase + i];
      if (!(pde & PTE_P)) continue;
      if (pse && pde & PDE_PS) {
        if (pde & PTE_D) {
          if (clear) ram[pdBase + i] = pde & ~PTE_D;
          const first = (pde >>> 22) << 10;
          for (let p = first; p < first + 1024; p++) add(p);
        }
        continue;
      }
      const pt = pde >>> 12;
      if (pt >= pages) continue;
      add(pt);
      const ptBase = pt * 1024;
      for (let j = 0; j < 1024; j++) {
        const pte = ram[ptBase + j];
        if ((pte & (PTE_P | PTE_D)) === (PTE_P | PTE_D)) {
          if (clear) ram[ptBase + j] = pte & ~PTE_D;
          add(pte >>> 12);
        }
      }
    }
    // writes that would set the bits again must walk the page tables again
    this.cpu.full_clear_tlb();
    return trusted;
  }

  /**
   * Planted bug 'dirty-cleared-late' (src/platform/builtin/bugs.ts): the dirty bits of the last
   * delta are cleared now, after the guest ran on, not while the pages were copied — a page
   * written in between is never sent.
   */
  clearLate(): void {
    if (!this.lateClear) return;
    this.lateClear = false;
    this.refreshViews();
    this.clearDirty();
  }

  private lateClear = false;

  /**
   * pages that changed since the last capture; becomes the new baseline. `clearLate`: the
   * planted bug 'dirty-cleared-late' (collect the dirty bits now, clear them in clearLate())
   */
  delta(clearLate = false): RamDelta {
    this.refreshViews();
    this.captureNo = (this.captureNo + 1) >>> 0 || 1;
    const candidates: number[] = [];
    let method: RamStats['method'] = 'mmu';
    if (this.tracking === 'scan' || !this.clearDirty(candidates, !clearLate)) method = 'scan';
    else if (clearLate) this.lateClear = true;
    const changed: number[] = [];
    const ram = this.ram8;
    const shadow = this.shadow;
    let compared = 0;
    const check = (p: number) => {
      const o = p * PAGE;
      const a = ram.subarray(o, o + PAGE);
      const b = shadow.subarray(o, o + PAGE);
      compared++;
      if (Buffer.compare(a, b) !== 0) {
        b.set(a);
        changed.push(p);
      }
    };
    if (method === 'mmu') {
      for (const p of candidates) check(p);
      changed.sort((x, y) => x - y);
    } else {
      for (let o = 0; o < this.size; o += SCAN_BLOCK) {
        const end = Math.min(this.size, o + SCAN_BLOCK);
        if (Buffer.compare(ram.subarray(o, end), shadow.subarray(o, end)) === 0) continue;
        for (let p = o / PAGE; p < end / PAGE; p++) check(p);
      }
    }
    const pages = Uint32Array.from(changed);
    const data = new Uint8Array(pages.length * PAGE);
    for (let i = 0; i < pages.length; i++) {
      const o = pages[i] * PAGE;
      data.set(shadow.subarray(o, o + PAGE), i * PAGE);
    }
    this.stats = { method, compared, changed: pages.length };
    return { pages, data };
  }
}
