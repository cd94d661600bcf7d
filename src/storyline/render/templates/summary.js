document.querySelectorAll('a.cite').forEach(function(a){a.addEventListener('click',function(){
document.querySelectorAll('mark.on').forEach(function(m){m.classList.remove('on')});
(a.dataset.spans||'').split(' ').forEach(function(id){
var m=document.getElementById(id);if(m){m.classList.add('on')}});});});
