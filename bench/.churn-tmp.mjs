import { fork } from "node:child_process"
const lib = await import(process.argv[2])
if (process.argv[3] === "server") {
  const r = new lib.Router({ linger: 0 }); await r.bind("tcp://127.0.0.1:0"); process.send(r.lastEndpoint)
  const c0 = process.cpuUsage()
  process.on("message", (m) => { const c = process.cpuUsage(c0); process.send((c.user + c.system) / 1000); setTimeout(() => process.exit(0), 100) })
  for (;;) await r.send(await r.receive())
} else {
  const child = fork(new URL(import.meta.url).pathname, [process.argv[2], "server"])
  const ep = await new Promise((r) => child.once("message", r))
  const N = 400, t = { make: 0, connectSendRecv: 0, close: 0 }
  const now = () => performance.now()
  const cpu0 = process.cpuUsage(); const w0 = now()
  for (let i = 0; i < N; i++) {
    let a = now(); const s = new lib.Dealer({ linger: 0 }); t.make += now() - a
    a = now(); s.connect(ep); await s.send("ping"); await s.receive(); t.connectSendRecv += now() - a
    a = now(); s.close(); t.close += now() - a
  }
  const wall = now() - w0, cpu = process.cpuUsage(cpu0)
  console.log(`per connection: wall ${(wall / N).toFixed(2)} ms, client cpu ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms; make ${(t.make / N).toFixed(3)} connect+rt ${(t.connectSendRecv / N).toFixed(3)} close ${(t.close / N).toFixed(3)}`)
  child.send("cpu"); const scpu = await new Promise((r) => child.once("message", r))
  console.log(`server cpu per connection ${(scpu / N).toFixed(2)} ms`)
  process.exit(0)
}
