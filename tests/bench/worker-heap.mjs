// The JS heap of the import's checker Worker, sampled from outside through the DevTools protocol:
// performance.memory, which the page's own figures use, does not exist in a Worker.

/** Starts sampling every `everyMs`; `stop()` resolves to the peak heap the Worker reached, in MB (null if none ran). */
export async function watchWorkerHeap(browser, everyMs = 100) {
  const cdp = await browser.newBrowserCDPSession();
  const replies = new Map();
  let nextId = 0;
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message);
    replies.get(message.id)?.(message.result);
    replies.delete(message.id);
  });
  const ask = (sessionId, method) =>
    new Promise((resolve) => {
      const id = ++nextId;
      replies.set(id, resolve);
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch(() => resolve(undefined));
      // A Worker that has just ended never answers.
      setTimeout(() => resolve(undefined), 1000);
    });
  let peak = null;
  let running = true;
  const sessions = new Map();
  const loop = (async () => {
    while (running) {
      const { targetInfos } = await cdp.send('Target.getTargets');
      for (const target of targetInfos.filter((t) => t.type === 'worker' && t.url.includes('import-worker'))) {
        if (!sessions.has(target.targetId)) {
          const attached = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false }).catch(() => null);
          if (attached) sessions.set(target.targetId, attached.sessionId);
        }
        const usage = await ask(sessions.get(target.targetId), 'Runtime.getHeapUsage');
        if (usage) peak = Math.max(peak ?? 0, usage.usedSize / 2 ** 20);
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return async () => {
    running = false;
    await loop;
    await cdp.detach();
    return peak;
  };
}
