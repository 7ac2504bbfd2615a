// Minimal typings for the parts of the `echonet-lite` package (an independent implementation used only in
// tests and benchmarks as a peer) that this project calls.
declare module 'echonet-lite' {
  interface ElData {
    EHD: string;
    TID: string;
    SEOJ: string;
    DEOJ: string;
    EDATA: string;
    ESV: string;
    OPC: string;
    DETAIL: string;
    DETAILs: Record<string, string>;
  }
  const EL: {
    parseBytes(bytes: Uint8Array | number[]): ElData | null;
    parseString(hex: string): ElData | null;
    ELDATA2Array(eldata: ElData): number[];
    [key: string]: unknown;
  };
  export default EL;
}
