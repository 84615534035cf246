import { Mp3Encoder } from '@breezystack/lamejs';
const N = 44100*30;
const l = new Int16Array(N), r = new Int16Array(N);
for (let i=0;i<N;i++){ l[i]=Math.round(8000*Math.sin(i*0.05)+2000*Math.sin(i*0.31)); r[i]=Math.round(8000*Math.sin(i*0.051));}
for (const kbps of [192,192,192,128]) {
const t=performance.now();
const enc = new Mp3Encoder(2,44100,kbps);
const parts=[];
for (let i=0;i<N;i+=1152){ const b=enc.encodeBuffer(l.subarray(i,i+1152), r.subarray(i,i+1152)); if(b.length) parts.push(Buffer.from(b)); }
parts.push(Buffer.from(enc.flush()));
console.log(kbps, performance.now()-t, Buffer.concat(parts).length);
}
