export default async function globalTeardown() {
  await globalThis.__MUSE_S3__?.close();
}
