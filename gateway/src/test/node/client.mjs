// An independent client of the inference server, written against the published .proto files only:
// Node's @grpc/grpc-js with @grpc/proto-loader, no generated Java code involved.
//
// usage: node client.mjs <proto-root> <target> <command>   (the request as JSON on stdin, the answer as JSON on stdout)
//   predict        {token, deployment, features: {name: number|string}}           -> lodestar.inference.v1 Predict
//   predict-batch  {token, deployment, rows: [{name: number|string}]}              -> PredictBatch
//   oip-ready      {token, model}                                                 -> ServerLive, ServerReady, ModelReady
//   oip-metadata   {token, model}                                                 -> ModelMetadata
//   oip-infer      {token, model, inputs: [{name, datatype, shape, contents}]}     -> ModelInfer
// A failed call prints {"error": {"code": <gRPC code name>, "details": ...}} and exits 0, so callers can assert on it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const [protoRoot, target, command] = process.argv.slice(2);
const request = JSON.parse(readFileSync(0, 'utf8'));

const options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [protoRoot] };
const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(
    ['lodestar/inference/v1/inference.proto', 'inference/grpc_predict_v2.proto'], options));
const lodestar = new loaded.lodestar.inference.v1.Inference(target, grpc.credentials.createInsecure());
const oip = new loaded.inference.GRPCInferenceService(target, grpc.credentials.createInsecure());

const codeNames = Object.fromEntries(Object.entries(grpc.status).map(([name, code]) => [code, name]));

function call(client, method, message) {
  const metadata = new grpc.Metadata();
  if (request.token) {
    metadata.set('authorization', `Bearer ${request.token}`);
  }
  return new Promise((resolve, reject) => {
    client[method](message, metadata, { deadline: Date.now() + 10_000 }, (error, answer) => {
      if (error) {
        reject(error);
      } else {
        resolve(answer);
      }
    });
  });
}

function featureValues(row) {
  return Object.fromEntries(Object.entries(row).map(([name, value]) =>
      [name, typeof value === 'number' ? { number: value } : { text: String(value) }]));
}

async function run() {
  switch (command) {
    case 'predict':
      return call(lodestar, 'Predict', { deployment: request.deployment, features: featureValues(request.features) });
    case 'predict-batch':
      return call(lodestar, 'PredictBatch', {
        deployment: request.deployment,
        rows: request.rows.map((row) => ({ features: featureValues(row) })),
      });
    case 'oip-ready':
      return {
        live: (await call(oip, 'ServerLive', {})).live,
        ready: (await call(oip, 'ServerReady', {})).ready,
        modelReady: (await call(oip, 'ModelReady', { name: request.model })).ready,
      };
    case 'oip-metadata':
      return call(oip, 'ModelMetadata', { name: request.model });
    case 'oip-infer':
      return call(oip, 'ModelInfer', { model_name: request.model, id: request.id ?? '', inputs: request.inputs });
    default:
      throw new Error(`unknown command ${command}; known: predict, predict-batch, oip-ready, oip-metadata, oip-infer`);
  }
}

try {
  process.stdout.write(JSON.stringify({ answer: await run() }));
} catch (error) {
  if (error.code === undefined) {
    throw error;
  }
  process.stdout.write(JSON.stringify({ error: { code: codeNames[error.code], details: error.details } }));
} finally {
  lodestar.close();
  oip.close();
}
