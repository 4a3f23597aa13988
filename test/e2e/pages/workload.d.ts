// Types of workload.js (plain JavaScript, so that a page can import it without a build).
export interface WorkloadResult {
  threads: number;
  relaxed: boolean;
  losses: number[];
  accuracy: number;
  hash: string;
}
export function weightsHash(model: { params(): { value: { view(): Float32Array | Float64Array } }[] }): string;
export function trainWorkload(sn: unknown, opts: { threads?: number; relaxed?: boolean }): Promise<WorkloadResult>;
